import 'reflect-metadata';

import { randomBytes } from 'node:crypto';

import { ConfigError, loadConfig } from '@perch/platform';

import { GatewayConfig, trustProxySetting } from './gateway.config';
import { GATEWAY_ENV_WITHOUT_SECRET } from './gateway-env.fixtures';

const BASE = { ...GATEWAY_ENV_WITHOUT_SECRET, GATEWAY_TOKEN_SECRET: randomBytes(32).toString('base64url') };

describe('GatewayConfig: sign-in throttle and GATEWAY_TRUST_PROXY', () => {
  it('trusts no proxy and throttles 5 failures per user, 20 per address per 15 minutes by default', () => {
    const config = loadConfig(GatewayConfig, BASE);
    expect(config).toMatchObject({
      GATEWAY_TRUST_PROXY: 'false',
      GATEWAY_SIGNIN_MAX_FAILURES_PER_USER: 5,
      GATEWAY_SIGNIN_MAX_FAILURES_PER_ADDRESS: 20,
      GATEWAY_SIGNIN_WINDOW_MS: 900_000,
    });
    expect(trustProxySetting(config.GATEWAY_TRUST_PROXY)).toBe(false);
  });

  it('takes a hop count or a list of proxies for Express', () => {
    expect(trustProxySetting(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TRUST_PROXY: '1' }).GATEWAY_TRUST_PROXY)).toBe(1);
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).GATEWAY_TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
  });

  it('refuses "true", which would let any client choose the address it is throttled by, and junk', () => {
    expect(() => loadConfig(GatewayConfig, { ...BASE, GATEWAY_TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig(GatewayConfig, { ...BASE, GATEWAY_TRUST_PROXY: 'any; rm -rf' })).toThrow(/GATEWAY_TRUST_PROXY/);
    expect(() => loadConfig(GatewayConfig, { ...BASE, GATEWAY_SIGNIN_MAX_FAILURES_PER_USER: '0' })).toThrow(/GATEWAY_SIGNIN_MAX_FAILURES_PER_USER/);
  });
});
