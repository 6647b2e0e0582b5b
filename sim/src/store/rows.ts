export interface LocationRow {
  id: number;
  short: string;
  long: string | null;
  created_at: string;
  updated_at: string;
}

export interface NodeRow {
  id: number;
  uuid: string;
  public: number;
  name: string;
  description: string | null;
  location_id: number;
  fqdn: string;
  scheme: string;
  behind_proxy: number;
  maintenance_mode: number;
  memory: number;
  memory_overallocate: number;
  disk: number;
  disk_overallocate: number;
  upload_size: number;
  daemon_listen: number;
  daemon_sftp: number;
  daemon_base: string;
  created_at: string;
  updated_at: string;
}

export interface NodeWithUsageRow extends NodeRow {
  sum_memory: number;
  sum_disk: number;
}

export interface AllocationRow {
  id: number;
  node_id: number;
  ip: string;
  ip_alias: string | null;
  port: number;
  server_id: number | null;
  notes: string | null;
}

export interface NestRow {
  id: number;
  uuid: string;
  author: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface EggRow {
  id: number;
  uuid: string;
  nest_id: number;
  author: string;
  name: string;
  description: string | null;
  docker_images: string;
  startup: string;
  config_stop: string | null;
  created_at: string;
  updated_at: string;
}

export interface EggVariableRow {
  id: number;
  egg_id: number;
  name: string;
  description: string;
  env_variable: string;
  default_value: string;
  user_viewable: number;
  user_editable: number;
  rules: string;
  created_at: string;
  updated_at: string;
}

export type InstallKind = 'install' | 'reinstall';

export interface ServerRow {
  id: number;
  external_id: string | null;
  uuid: string;
  node_id: number;
  name: string;
  description: string;
  status: string | null;
  skip_scripts: number;
  owner_id: number;
  memory: number;
  swap: number;
  disk: number;
  io: number;
  cpu: number;
  threads: string | null;
  oom_disabled: number;
  allocation_id: number;
  nest_id: number;
  egg_id: number;
  startup: string;
  image: string;
  database_limit: number | null;
  allocation_limit: number | null;
  backup_limit: number | null;
  environment: string;
  install_deadline: number | null;
  install_outcome: 'ok' | 'fail' | null;
  install_kind: InstallKind | null;
  installed_at: string | null;
  created_at: string;
  updated_at: string;
}
