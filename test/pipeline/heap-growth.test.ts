import t from 'tap';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../../pipeline/heap-growth.js';

t.test('the CLI sets a fixed heap growing factor unless the operator gave one', async (t) => {
  t.equal(HEAP_GROWING_PERCENT, 20);
  t.equal(heapGrowthFlag([]), '--heap-growing-percent=20');
  t.equal(heapGrowthFlag(['--max-old-space-size=96'], '--enable-source-maps'), '--heap-growing-percent=20', 'other flags do not count');
  t.equal(heapGrowthFlag(['--heap-growing-percent=50']), undefined, 'on the node command line');
  t.equal(heapGrowthFlag(['--heap_growing_percent=50']), undefined, 'V8 spelling with underscores');
  t.equal(heapGrowthFlag([], '--max-old-space-size=96 --heap-growing-percent=5'), undefined, 'in NODE_OPTIONS');
  t.equal(heapGrowthFlag(['--no-heap-growing-percent-x']), '--heap-growing-percent=20', 'only the flag itself');
});
