import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import type { OpenApiDocument } from '../src/api/openapi/document';

type Json = Record<string, unknown>;

const toDefs = (value: unknown): Json =>
  JSON.parse(JSON.stringify(value).replace(/#\/components\/schemas\//g, 'components#/$defs/')) as Json;

/**
 * Validates values against schemas of the API document (draft 2020-12, `$ref`s into `components.schemas`): the
 * errors, or null when the value fits.
 */
export function documentSchemas(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'components', $defs: toDefs(document.components.schemas) });
  return {
    errorsOf(schema: Json, value: unknown): ErrorObject[] | null {
      const validate = ajv.compile(toDefs(schema));
      return validate(value) ? null : (validate.errors ?? []);
    },
    /** The errors of `value` against the component schema `name`. */
    componentErrors(name: string, value: unknown): ErrorObject[] | null {
      return this.errorsOf({ $ref: `#/components/schemas/${name}` }, value);
    },
  };
}
