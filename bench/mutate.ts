/**
 * A seeded mutator of export files, for the fuzz test (test/e2e/fuzz.test.ts)
 * and the fuzz script (bench/fuzz.ts). Each operator damages a file the way
 * exports get damaged in practice: cut off, bytes flipped, a stray quote, a
 * line moved, text in the wrong encoding, a header edited by hand, a column
 * lost or doubled, line ends mixed. Pure: bytes and a PRNG in, bytes and a
 * description out, so a failure is reproduced from its seed alone.
 */
import { mulberry32 } from './generate.js';

export type Rand = () => number;

export interface Mutation {
  bytes: Buffer;
  /** What was done, e.g. `truncate@1043; strayQuote@12`. */
  ops: string[];
}

const int = (rand: Rand, n: number): number => Math.floor(rand() * n);
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[int(rand, xs.length)];

/** Lines split on LF, each keeping its line end, so joining restores the file. */
function lines(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, start)) {
    out.push(bytes.subarray(start, i + 1));
    start = i + 1;
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}

/** Splits a text line into its fields and its line end. */
function fields(line: string): { cells: string[]; end: string } {
  const m = /(\r?\n)?$/.exec(line)!;
  return { cells: line.slice(0, line.length - m[0].length).split(';'), end: m[0] };
}

type Operator = (bytes: Buffer, rand: Rand) => Mutation;

const at = (name: string, pos: number) => `${name}@${pos}`;

const OPERATORS: Record<string, Operator> = {
  flipByte(b, rand) {
    if (b.length === 0) return { bytes: Buffer.from([int(rand, 256)]), ops: ['flipByte@0'] };
    const copy = Buffer.from(b);
    const pos = int(rand, b.length);
    copy[pos] = rand() < 0.5 ? copy[pos] ^ (1 << int(rand, 8)) : int(rand, 256);
    return { bytes: copy, ops: [at('flipByte', pos)] };
  },
  truncate(b, rand) {
    const pos = int(rand, b.length + 1);
    return { bytes: b.subarray(0, pos), ops: [at('truncate', pos)] };
  },
  strayQuote(b, rand) {
    const pos = int(rand, b.length + 1);
    return { bytes: Buffer.concat([b.subarray(0, pos), Buffer.from('"'), b.subarray(pos)]), ops: [at('strayQuote', pos)] };
  },
  swapLines(b, rand) {
    const ls = lines(b);
    if (ls.length < 2) return { bytes: b, ops: ['swapLines:none'] };
    const i = int(rand, ls.length);
    const j = (i + 1 + int(rand, ls.length - 1)) % ls.length;
    // the moved lines keep each other's line end: the last may lack one
    const [li, lj] = [ls[i], ls[j]];
    ls[i] = lj;
    ls[j] = li;
    return { bytes: Buffer.concat(ls), ops: [`swapLines@${i},${j}`] };
  },
  duplicateLine(b, rand) {
    const ls = lines(b);
    if (ls.length === 0) return { bytes: b, ops: ['duplicateLine:none'] };
    const i = int(rand, ls.length);
    ls.splice(i, 0, ls[i]);
    return { bytes: Buffer.concat(ls), ops: [at('duplicateLine', i)] };
  },
  deleteLine(b, rand) {
    const ls = lines(b);
    if (ls.length === 0) return { bytes: b, ops: ['deleteLine:none'] };
    const i = int(rand, ls.length);
    ls.splice(i, 1);
    return { bytes: Buffer.concat(ls), ops: [at('deleteLine', i)] };
  },
  /** An ISO-8859-1 byte (å, ä, ö, Å, é or a C1 control) in a UTF-8 file. */
  latin1Byte(b, rand) {
    const pos = int(rand, b.length + 1);
    const byte = pick(rand, [0xe5, 0xe4, 0xf6, 0xc5, 0xe9, 0x85, 0xff]);
    return { bytes: Buffer.concat([b.subarray(0, pos), Buffer.from([byte]), b.subarray(pos)]), ops: [`latin1Byte@${pos}:${byte.toString(16)}`] };
  },
  /** The whole file re-encoded: as ISO-8859-1, UTF-16, with a BOM, or
   *  UTF-8 taken for Latin-1 and encoded again (mojibake). */
  wrongEncoding(b, rand) {
    const text = b.toString('utf8');
    const how = pick(rand, ['latin1', 'utf16le', 'bom', 'double-utf8', 'bom-utf16'] as const);
    const bytes =
      how === 'latin1' ? Buffer.from(text.replace(/[^\x00-\xff]/g, '?'), 'latin1')
        : how === 'utf16le' ? Buffer.from(text, 'utf16le')
          : how === 'bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])
            : how === 'bom-utf16' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
              : Buffer.from(b.toString('latin1'), 'utf8');
    return { bytes, ops: [`wrongEncoding:${how}`] };
  },
  headerDamage(b, rand) {
    const ls = lines(b);
    if (ls.length === 0) return { bytes: b, ops: ['headerDamage:none'] };
    const { cells, end } = fields(ls[0].toString('utf8'));
    const i = int(rand, cells.length);
    const how = pick(rand, ['rename', 'lowercase', 'blank', 'cut', 'spaces', 'drop', 'join', 'quote'] as const);
    if (how === 'rename') cells[i] = `${cells[i]}X`;
    else if (how === 'lowercase') cells[i] = cells[i].toLowerCase();
    else if (how === 'blank') cells[i] = '';
    else if (how === 'cut') cells[i] = cells[i].slice(0, int(rand, cells[i].length));
    else if (how === 'spaces') cells[i] = ` ${cells[i]} `;
    else if (how === 'drop') cells.splice(i, 1);
    else if (how === 'join' && i + 1 < cells.length) cells.splice(i, 2, cells[i] + cells[i + 1]);
    else cells[i] = `"${cells[i]}`;
    ls[0] = Buffer.from(cells.join(';') + end, 'utf8');
    return { bytes: Buffer.concat(ls), ops: [`headerDamage:${how}@${i}`] };
  },
  /** A column removed or doubled in every line, or in the header only. */
  columnDamage(b, rand) {
    const ls = lines(b);
    if (ls.length === 0) return { bytes: b, ops: ['columnDamage:none'] };
    const width = fields(ls[0].toString('utf8')).cells.length;
    const k = int(rand, width);
    const how = pick(rand, ['delete', 'duplicate'] as const);
    const onlyHeader = rand() < 0.2;
    const edited = ls.map((l, n) => {
      if (onlyHeader && n > 0) return l;
      const { cells, end } = fields(l.toString('utf8'));
      if (k < cells.length) {
        if (how === 'delete') cells.splice(k, 1);
        else cells.splice(k, 0, cells[k]);
      }
      return Buffer.from(cells.join(';') + end, 'utf8');
    });
    return { bytes: Buffer.concat(edited), ops: [`columnDamage:${how}${onlyHeader ? '-header' : ''}@${k}`] };
  },
  crlfMix(b, rand) {
    const how = pick(rand, ['some-crlf', 'all-crlf', 'lone-cr', 'cr-only'] as const);
    const ls = lines(b).map((l) => {
      const text = l.toString('latin1');
      if (!text.endsWith('\n')) return l;
      const body = text.slice(0, -1);
      const swap = how !== 'some-crlf' || rand() < 0.5;
      if (!swap) return l;
      const end = how === 'cr-only' ? '\r' : how === 'lone-cr' ? '\r\r\n' : '\r\n';
      return Buffer.from(body + end, 'latin1');
    });
    return { bytes: Buffer.concat(ls), ops: [`crlfMix:${how}`] };
  },
  /** A separator, quote pair, NUL or line break dropped into a field. */
  insertText(b, rand) {
    const pos = int(rand, b.length + 1);
    const text = pick(rand, [';', '""', '"x"', '\0', '\n', '\r', ' ', '\\', '{', '}', ',', '[', '":', 'null', '1e999', '\t']);
    return { bytes: Buffer.concat([b.subarray(0, pos), Buffer.from(text, 'utf8'), b.subarray(pos)]), ops: [`insertText@${pos}:${JSON.stringify(text)}`] };
  },
  /** A value made very long (a runaway field). */
  longValue(b, rand) {
    const pos = int(rand, b.length + 1);
    const n = pick(rand, [1000, 70_000]);
    return { bytes: Buffer.concat([b.subarray(0, pos), Buffer.alloc(n, 0x41), b.subarray(pos)]), ops: [`longValue@${pos}:${n}`] };
  },
  empty() {
    return { bytes: Buffer.alloc(0), ops: ['empty'] };
  },
  headerOnly(b) {
    const ls = lines(b);
    return { bytes: ls.length ? ls[0] : b, ops: ['headerOnly'] };
  },
};

export const OPERATOR_NAMES = Object.keys(OPERATORS);

/** Operators that make sense on text (CSV/NDJSON/JSON) vs. on binary Avro. */
const TEXT_ONLY = new Set(['headerDamage', 'columnDamage', 'wrongEncoding', 'crlfMix', 'headerOnly']);

/** 1–3 random operators applied in turn. `binary` leaves out the ones that
 *  assume lines of text. */
export function mutate(bytes: Buffer, rand: Rand, binary = false): Mutation {
  const names = binary ? OPERATOR_NAMES.filter((n) => !TEXT_ONLY.has(n)) : OPERATOR_NAMES;
  const n = 1 + (rand() < 0.7 ? 0 : rand() < 0.7 ? 1 : 2);
  let current: Mutation = { bytes, ops: [] };
  for (let i = 0; i < n; i++) {
    const next = OPERATORS[pick(rand, names)](current.bytes, rand);
    current = { bytes: next.bytes, ops: [...current.ops, ...next.ops] };
  }
  return current;
}

/** The PRNG of fuzz case `index` under `seed`: each case is reproducible
 *  on its own, without running the ones before it. */
export function caseRand(seed: number, index: number): Rand {
  return mulberry32((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}
