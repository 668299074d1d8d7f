import { isE2eNamespaceOf, isThrowawayNamespace } from './namespace-cleanup.util';

describe('which namespaces a clean-up may take', () => {
  it("takes start:distributed's runs (prefix and digits) and never a name a person chose with the same prefix", () => {
    expect(isThrowawayNamespace('dev-1796463718', 'dev-')).toBe(true);
    expect(isThrowawayNamespace('dev-team', 'dev-')).toBe(false);
    expect(isThrowawayNamespace('dev-', 'dev-')).toBe(false);
    expect(isThrowawayNamespace('mydev-1', 'dev-')).toBe(false);
  });

  it("takes the e2e tier's namespaces made within the run, whatever the suite named them, and no other", () => {
    const since = 1_796_400_000_000;
    const until = since + 600_000;
    expect(isE2eNamespaceOf(`e2e-${since}`, since, until)).toBe(true);
    expect(isE2eNamespaceOf(`e2e-split-${since + 1}`, since, until)).toBe(true);
    expect(isE2eNamespaceOf(`e2e-crash-after_publish-${until}`, since, until)).toBe(true);
    // An earlier run's, a later one's, and names not of the e2e tier's shape.
    expect(isE2eNamespaceOf(`e2e-${since - 1}`, since, until)).toBe(false);
    expect(isE2eNamespaceOf(`e2e-${until + 1}`, since, until)).toBe(false);
    expect(isE2eNamespaceOf(`e2e-${String(since).slice(0, 12)}`, since, until)).toBe(false);
    expect(isE2eNamespaceOf(`xe2e-${since}`, since, until)).toBe(false);
    expect(isE2eNamespaceOf(`e2e-${since}.x`, since, until)).toBe(false);
    expect(isE2eNamespaceOf('default', since, until)).toBe(false);
  });
});
