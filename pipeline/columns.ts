/**
 * Column lists, read from the Avro schemas in `schemas/` — the one place
 * column names live (STYLE.md habit 9). A field's order is also the column
 * order of the KTILL2/KTFORT2/FFGKURS deltas (SPEC §7).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TableName } from './types.js';

/** One field of a table schema; `required` is our own attribute (SPEC §2
 *  "columns used"), which Avro ignores. */
export interface SchemaField {
  name: string;
  type: unknown;
  default?: unknown;
  required?: boolean;
  doc?: string;
}

export interface TableSchema {
  type: 'record';
  name: string;
  doc?: string;
  fields: SchemaField[];
}

let root: string | undefined;
const cache = new Map<TableName, TableSchema>();

/** The project root: the first directory above this module holding both
 *  `schemas/` and `package.json`. Walking up makes the same code work from
 *  `pipeline/` (tests, ts-node) and from `dist/pipeline/` (compiled). */
export function projectRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'schemas')) && existsSync(join(dir, 'package.json'))) {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`eb50: no schemas/ directory above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The parsed schema `schemas/<TABLE>.avsc` (loaded once). */
export function tableSchema(table: TableName): TableSchema {
  let schema = cache.get(table);
  if (schema === undefined) {
    schema = JSON.parse(readFileSync(join(projectRoot(), 'schemas', `${table}.avsc`), 'utf8')) as TableSchema;
    cache.set(table, schema);
  }
  return schema;
}

/** All columns of a table, in schema order. */
export function tableColumns(table: TableName): string[] {
  return tableSchema(table).fields.map((f) => f.name);
}

/** The columns an export must have (SPEC §2 "columns used"). */
export function requiredColumns(table: TableName): string[] {
  return tableSchema(table).fields.filter((f) => f.required === true).map((f) => f.name);
}
