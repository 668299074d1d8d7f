// @perch/gateway/testing: the gateway in a test harness (testbed, socket probe). Tests and e2e journeys only; the
// production entry point (@perch/gateway) does not load it, nor what it brings in.
export * from './lib/testing/agent-socket-probe.fixtures';
export * from './lib/testing/gateway-testbed.fixtures';
