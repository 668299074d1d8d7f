import { describe, expect, it } from 'vitest';

import { alertTitle, readAlertSettings } from './offer-alerts.hook';

describe('how offers call for attention', () => {
  it('flashes the tab and stays silent until the agent chooses otherwise', () => {
    expect(readAlertSettings(null)).toEqual({ sound: false, flash: true });
    expect(readAlertSettings('{"sound":true,"flash":false}')).toEqual({ sound: true, flash: false });
    expect(readAlertSettings('not json')).toEqual({ sound: false, flash: true });
  });

  it('names the channel and the customer in the tab title', () => {
    expect(alertTitle({ messageKind: 'dm', author: { username: 'dana' } as never })).toBe('● New DM from @dana · Perch');
    expect(alertTitle({ messageKind: 'mention', author: { username: 'sam' } as never })).toBe('● New tweet from @sam · Perch');
  });
});
