// Feeds spike-in-<run> at `rate` messages/s in sends of 5 (like events trickling in), N in all.
const { Kafka, logLevel } = require('kafkajs');
(async () => {
  const [run, n, rate] = [process.argv[2], +process.argv[3], +process.argv[4]];
  const kafka = new Kafka({ brokers: ['127.0.0.1:9092'], clientId: 'spike-feed', logLevel: logLevel.NOTHING });
  const p = kafka.producer(); await p.connect();
  const body = JSON.stringify({ payload: 'x'.repeat(1400) });
  const t0 = Date.now(); let sent = 0; const inflight = [];
  while (sent < n) {
    const due = Math.min(n, Math.floor((Date.now() - t0) * rate / 1000));
    while (sent < due) {
      const msgs = Array.from({ length: Math.min(5, n - sent) }, (_, j) => ({ key: `k${(sent + j) % 256}`, value: body, headers: { 'perch-correlation': `c${sent + j}` } }));
      sent += msgs.length; inflight.push(p.send({ topic: `spike-in-${run}`, acks: -1, messages: msgs }));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inflight); await p.disconnect();
})();
