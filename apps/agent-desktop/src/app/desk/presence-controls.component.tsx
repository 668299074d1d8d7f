import { type ReactNode } from 'react';

import { presenceControls, presenceStatus, reasonLabel } from './desk-state.domain';
import { useDesk } from './desk.hook';
import { useTickingNow } from './ticking-now.hook';

/** The router's state shown once, and apart from it the controls that change it (never repeating it). */
export function PresenceControls(): ReactNode {
  const { state, actions } = useDesk();
  const { presence, presencePending, reasons, clockSkew } = state;
  // Wrap-up's time left on the gateway's clock; the router's sweeper ends it at 0.
  const now = useTickingNow(presence.state === 'wrap-up' && presence.wrapUpEndsAt !== undefined);
  const shown = presenceStatus(presence, now + clockSkew);
  const controls = presenceControls(presence, presencePending, reasons);
  return (
    <>
      <span className="presence-status" data-testid="presence-status" data-state={shown.state} data-reason={shown.reason} role="status" aria-live="polite">
        <span className="presence-caption">
          Status<span className="visually-hidden">:</span>
        </span>
        <span className="presence-dot" aria-hidden="true" />
        <span data-testid="presence-label">{shown.label}</span>
        <span className="presence-countdown" data-testid="presence-countdown" title="Wrap-up time left: new offers come after it" hidden={shown.countdown === null}>
          {shown.countdown ?? ''}
        </span>
      </span>
      <div className="presence-change" role="group" aria-label="Change your status">
        <button
          type="button"
          className="presence-action"
          data-testid="presence-toggle"
          title="Start receiving offers"
          hidden={controls.goReady.hidden}
          disabled={controls.goReady.disabled}
          onClick={() => void actions.askPresence('ready')}
        >
          {controls.goReady.label}
        </button>
        <label htmlFor="presence-reason" className="visually-hidden">
          Set not ready, with a reason
        </label>
        <select
          id="presence-reason"
          className="presence-reason"
          data-testid="presence-reason"
          disabled={controls.notReady.disabled}
          value={controls.notReady.value}
          onChange={(event) => {
            if (event.target.value) void actions.askPresence('not-ready', event.target.value);
          }}
        >
          <option value="" disabled>
            Set not ready…
          </option>
          {reasons.map((code) => (
            <option key={code} value={code}>
              {reasonLabel(code)}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
