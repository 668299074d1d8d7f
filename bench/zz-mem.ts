import { MemoryTransport } from '@perch/messaging';
async function main() {
  const n = 500000;
  const t = new MemoryTransport({ defaultPartitions: 6 });
  await t.connect();
  let got = 0; let done!: () => void; const p = new Promise<void>((r) => (done = r));
  await t.consume({ groupId: 'g', topics: ['t'] }, async (b) => { got += b.length; if (got >= n) done(); });
  await t.consume({ groupId: 'g2', topics: ['t'] }, async (b) => { void b; });
  const s = Date.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < n; i++) sends.push(t.send('t', [{ key: `k${i % 1000}`, value: `{"i":${i}}`, headers: { a: 'b' } }]));
  await Promise.all(sends); await p;
  const ms = Date.now() - s;
  console.log({ ms, perSec: Math.round(n / ms * 1000), heapMB: (global.gc?.(), Math.round(process.memoryUsage().heapUsed / 1e6)) });
  const s2 = Date.now(); got = 0; let done2!: () => void; const p2 = new Promise<void>((r) => (done2 = r));
  const h = await t.consume({ groupId: 'g3', topics: ['t2'] }, async (b) => { got += b.length; if (got >= n) done2(); });
  for (let i = 0; i < n; i++) { await t.send('t2', [{ key: `k${i % 1000}`, value: `{"i":${i}}` }]); }
  await p2; console.log({ sequentialAwaitedPerSec: Math.round(n / (Date.now() - s2) * 1000), heapMB: (global.gc?.(), Math.round(process.memoryUsage().heapUsed / 1e6)) });
  await h.stop(); await t.disconnect();
}
main();
