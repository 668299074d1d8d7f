import { type ReactNode } from 'react';

/** A form's refusal, read out to screen readers; nothing while there is none. */
export function FormError({ error, testId }: { error: string | null; testId: string }): ReactNode {
  if (!error) return null;
  return (
    <p className="form-error" role="alert" data-testid={testId}>
      {error}
    </p>
  );
}
