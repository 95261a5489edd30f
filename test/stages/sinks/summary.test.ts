import t from 'tap';
import { buildSummary, summaryJson, type SummaryInput } from '../../../stages/sinks/summary.js';

function input(over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    mode: 'inspect',
    leadingChar: 'Q',
    runDate: '2015-02-23T10:41:50',
    // Deliberately not in SPEC order: the summary must reorder.
    counts: {
      orphans: 16, duplicateFfgkurs: 15, pointSumMismatch: 14, seasonMismatchKtillp: 13,
      seasonMismatchOriginal: 12, pointsOverMax: 11, codesExhausted: 10, pointsTooLarge: 9,
      badCoursePoints: 8, noFreeOmgang: 7, missingParameters: 6, termOrder: 5, ktillhst: 4,
      ffgkurs: 3, ktfort2: 2, ktill2: 1,
    },
    chains: { created: 5, reused: 4, alreadyComplete: 3, withContinuation: 2, read: 1 },
    termsNotCompleted: 1,
    locks: ['Spärr: Inga KTILL2-poster finns i exporten.'],
    withoutLocks: true,
    baseline: { runDate: '2015-02-22T10:00:00', rows: { FFGKURS: 1 } },
    inputs: {
      KTILL2: { sha256: 'b', rows: 2 },
      FFGKURS: { sha256: 'a', rows: 1 },
    },
    outputs: {
      KTILLHST: { path: 'preview/KTILLHST.csv', rows: 4, sha256: 'h' },
      KTILL2: { path: 'preview/KTILL2.csv', rows: 1, sha256: 'h' },
    },
    exitCode: 0,
    ...over,
  };
}

t.test('summary.json has exactly the keys of SPEC §8 in order, 2-space JSON with final LF', async (t) => {
  const expected = `{
  "mode": "inspect",
  "leadingChar": "Q",
  "runDate": "2015-02-23T10:41:50",
  "counts": {
    "ktill2": 1,
    "ktfort2": 2,
    "ffgkurs": 3,
    "ktillhst": 4,
    "termOrder": 5,
    "missingParameters": 6,
    "noFreeOmgang": 7,
    "badCoursePoints": 8,
    "pointsTooLarge": 9,
    "codesExhausted": 10,
    "pointsOverMax": 11,
    "seasonMismatchOriginal": 12,
    "seasonMismatchKtillp": 13,
    "pointSumMismatch": 14,
    "duplicateFfgkurs": 15,
    "orphans": 16
  },
  "chains": {
    "read": 1,
    "withContinuation": 2,
    "alreadyComplete": 3,
    "reused": 4,
    "created": 5
  },
  "termsNotCompleted": 1,
  "locks": [
    "Spärr: Inga KTILL2-poster finns i exporten."
  ],
  "withoutLocks": true,
  "inputs": {
    "FFGKURS": {
      "rows": 1,
      "sha256": "a"
    },
    "KTILL2": {
      "rows": 2,
      "sha256": "b"
    }
  },
  "baseline": {
    "runDate": "2015-02-22T10:00:00",
    "rows": {
      "FFGKURS": 1
    }
  },
  "outputs": {
    "KTILL2": {
      "rows": 1,
      "path": "preview/KTILL2.csv",
      "sha256": "h"
    },
    "KTILLHST": {
      "rows": 4,
      "path": "preview/KTILLHST.csv",
      "sha256": "h"
    }
  },
  "exitCode": 0
}
`;
  t.equal(summaryJson(buildSummary(input())), expected);
});

t.test('top-level keys are those of the SPEC §8 example', async (t) => {
  t.same(Object.keys(buildSummary(input())), [
    'mode', 'leadingChar', 'runDate', 'counts', 'chains', 'termsNotCompleted', 'locks', 'withoutLocks', 'inputs', 'baseline', 'outputs', 'exitCode',
  ]);
});

t.test('outputs is omitted when undefined (a locked run)', async (t) => {
  const s = buildSummary(input({ outputs: undefined, baseline: undefined, exitCode: 3 }));
  t.same(Object.keys(s), ['mode', 'leadingChar', 'runDate', 'counts', 'chains', 'termsNotCompleted', 'locks', 'withoutLocks', 'inputs', 'exitCode'],
    'and so is baseline on a locked first run');
  t.notMatch(summaryJson(s), '"outputs"');
  t.equal(s.exitCode, 3);
});

t.test('extra keys in counts or chains are not copied', async (t) => {
  const s = buildSummary(
    input({
      counts: { ...input().counts, extra: 1 } as never,
      chains: { ...input().chains, extra: 1 } as never,
    }),
  );
  t.equal(Object.keys(s.counts).length, 16);
  t.same(Object.keys(s.chains), ['read', 'withContinuation', 'alreadyComplete', 'reused', 'created']);
});

t.test('inputs follow the table order, unknown names after, by code units', async (t) => {
  const s = buildSummary(
    input({
      inputs: {
        Zeta: { rows: 0, sha256: 'z' },
        TERMIN: { rows: 0, sha256: 't' },
        Alpha: { rows: 0, sha256: 'y' },
        FORTKURS: { rows: 0, sha256: 'f' },
        FFGKURS: { rows: 0, sha256: 'a' },
      },
      outputs: {
        FFGKURS: { rows: 0, path: 'p', sha256: 'h' },
        KTFORT2: { rows: 0, path: 'p', sha256: 'h' },
        KTILLHST: { rows: 0, path: 'p', sha256: 'h' },
        KTILL2: { rows: 0, path: 'p', sha256: 'h' },
      },
    }),
  );
  t.same(Object.keys(s.inputs), ['FFGKURS', 'FORTKURS', 'TERMIN', 'Alpha', 'Zeta']);
  t.same(Object.keys(s.outputs ?? {}), ['KTILL2', 'KTFORT2', 'FFGKURS', 'KTILLHST']);
});

t.test('a count that is missing or not a non-negative integer is rejected, by name', async (t) => {
  const { ktill2: _, ...noKtill2 } = input().counts;
  t.throws(() => buildSummary(input({ counts: noKtill2 as never })), /counts\.ktill2 must be a non-negative integer, got undefined/);
  t.throws(() => buildSummary(input({ chains: { ...input().chains, reused: -1 } })), /chains\.reused .* got -1/);
  t.throws(() => buildSummary(input({ termsNotCompleted: 1.5 })), /termsNotCompleted .* got 1\.5/);
  t.throws(() => buildSummary(input({ inputs: { KURS: { rows: NaN, sha256: '' } } })), /inputs\.KURS\.rows/);
  t.throws(() => buildSummary(input({ outputs: { KTILL2: { rows: -2, path: '', sha256: 'h' } } })), /outputs\.KTILL2\.rows/);
});

t.test('the summary does not share the caller\'s locks array', async (t) => {
  const locks = ['a'];
  const s = buildSummary(input({ locks }));
  locks.push('b');
  t.same(s.locks, ['a']);
});
