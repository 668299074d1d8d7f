import type { OfferMessage } from '@perch/desktop-api';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

// How a new offer calls for attention beyond its toast: a short tone and/or the tab's title flashing until the page is
// looked at. The agent's choice is kept in this browser (localStorage), not with the session.

export interface OfferAlertSettings {
  sound: boolean;
  flash: boolean;
}

export interface OfferAlerts {
  settings: OfferAlertSettings;
  change: (settings: OfferAlertSettings) => void;
  alert: (offer: OfferMessage) => void;
  /** How many offers alerted (the toast column shows the last one's pulse). */
  count: number;
}

const KEY = 'perch-offer-alerts';
const TITLE = 'Perch · Agent desktop';

export function readAlertSettings(raw: string | null): OfferAlertSettings {
  try {
    const value: unknown = JSON.parse(raw ?? 'null');
    if (typeof value === 'object' && value !== null) {
      const { sound, flash } = value as Record<string, unknown>;
      return { sound: sound === true, flash: flash !== false };
    }
  } catch {
    // Unreadable: the defaults.
  }
  return { sound: false, flash: true };
}

/** The tab's title while an offer waits unseen. */
export function alertTitle(offer: Pick<OfferMessage, 'messageKind' | 'author'>): string {
  return `● ${offer.messageKind === 'dm' ? 'New DM' : 'New tweet'} from @${offer.author.username} · Perch`;
}

export function useOfferAlerts(): OfferAlerts {
  const [settings, setSettings] = useState<OfferAlertSettings>(() => readAlertSettings(localStorage.getItem(KEY)));
  const [count, setCount] = useState(0);
  const audio = useRef<AudioContext | null>(null);

  const change = useCallback((next: OfferAlertSettings) => {
    localStorage.setItem(KEY, JSON.stringify(next));
    setSettings(next);
  }, []);

  const alert = useCallback(
    (offer: OfferMessage) => {
      setCount((n) => n + 1);
      if (settings.flash && document.visibilityState !== 'visible') document.title = alertTitle(offer);
      if (settings.sound) {
        try {
          audio.current ??= new AudioContext();
          beep(audio.current);
        } catch {
          // No audio device: the toast and the title still say it.
        }
      }
    },
    [settings],
  );

  useEffect(() => {
    const seen = (): void => {
      if (document.visibilityState === 'visible') document.title = TITLE;
    };
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, []);

  return useMemo(() => ({ settings, change, alert, count }), [settings, change, alert, count]);
}

function beep(context: AudioContext): void {
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, context.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.4);
  oscillator.connect(gain).connect(context.destination);
  oscillator.start();
  oscillator.stop(context.currentTime + 0.4);
}
