/** Workflows of the order's type that end at once: finished orders for the census, their search attributes as started. */
export async function provisionServer(): Promise<void> {}
