import { e2eNamespace, isE2eNamespaceOf, isThrowawayNamespace } from './namespace-cleanup.util';

describe('which namespaces a clean-up may take', () => {
  it("takes start:distributed's runs (prefix and digits) and never a name a person chose with the same prefix", () => {
    expect(isThrowawayNamespace('dev-1796463718', 'dev-')).toBe(true);
    expect(isThrowawayNamespace('dev-team', 'dev-')).toBe(false);
    expect(isThrowawayNamespace('dev-', 'dev-')).toBe(false);
    expect(isThrowawayNamespace('mydev-1', 'dev-')).toBe(false);
  });

  it("takes back the e2e tier's namespaces made within the run, whatever the suite named them", () => {
    const since = Date.now();
    const made = [e2eNamespace('distributed'), e2eNamespace('split'), e2eNamespace('crash-after.publish step')];
    const until = Date.now();
    expect(made.every((namespace) => isE2eNamespaceOf(namespace, since, until))).toBe(true);
    expect(made[2]).toMatch(/^e2e-crash-after-publish-step-\d{13}$/);
  });

  it('takes no namespace made before or after the run, nor one of another shape', () => {
    const since = 1_796_400_000_000;
    const until = since + 600_000;
    expect(isE2eNamespaceOf(`e2e-replicas-${since - 1}`, since, until)).toBe(false);
    expect(isE2eNamespaceOf(`e2e-replicas-${until + 1}`, since, until)).toBe(false);
    expect(isE2eNamespaceOf(`e2e-replicas-${String(since).slice(0, 12)}`, since, until)).toBe(false);
    expect(isE2eNamespaceOf(`e2e-${since}`, since, until)).toBe(false);
    expect(isE2eNamespaceOf(`xe2e-replicas-${since}`, since, until)).toBe(false);
    expect(isE2eNamespaceOf(`e2e-replicas-${since}.x`, since, until)).toBe(false);
    expect(isE2eNamespaceOf('default', since, until)).toBe(false);
  });

  it('refuses an e2e namespace without a label', () => {
    expect(() => e2eNamespace('')).toThrow(/label/);
  });
});
