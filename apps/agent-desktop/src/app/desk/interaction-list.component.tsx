import { type ReactNode } from 'react';

import { useDesk } from './desk.hook';

/** The interactions this agent holds or is a guest of; one is open. */
export function InteractionList(): ReactNode {
  const { state, dispatch } = useDesk();
  const views = state.interactions.filter((view) => view.state !== 'completed');
  return (
    <nav className="rail" aria-label="Your interactions">
      <h2>Interactions</h2>
      <ul className="interaction-list" data-testid="interaction-list">
        {views.map((view) => {
          const first = view.firstMessage;
          return (
            <li key={view.id}>
              <button
                type="button"
                data-testid="interaction-list-item"
                data-interaction-id={view.id}
                data-channel={first?.kind === 'dm' ? 'dm' : 'tweet'}
                aria-current={view.id === state.currentId ? 'true' : undefined}
                onClick={() => dispatch({ type: 'open', interactionId: view.id })}
              >
                <span className="who">{first ? `@${first.author.username}` : 'Interaction'}</span>
                <span className="what">{first ? first.text : view.state}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {views.length === 0 && (
        <p className="rail-empty" data-testid="interaction-list-empty">
          None yet.
        </p>
      )}
    </nav>
  );
}
