import type { PodTone } from './views';

interface Props {
  tone: PodTone;
  /** kubectl's STATUS; CrashLoopBackOff gets its own looping-arrow icon. */
  status: string;
}

/**
 * A small icon per status family: the shape says what the colour says, for readers who cannot
 * tell the colours apart (and on a washed-out projector). Decorative: the status text is next to it.
 */
export function StatusIcon({ tone, status }: Props) {
  return (
    <svg
      className={`k8s-status-icon icon-${tone}`}
      viewBox="0 0 16 16"
      width="14"
      height="14"
      aria-hidden="true"
      focusable="false"
    >
      {status.endsWith('CrashLoopBackOff') ? <Loop /> : <ToneShape tone={tone} />}
    </svg>
  );
}

const stroke = {
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.8,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
} as const;

function Loop() {
  return (
    <>
      <path {...stroke} d="M13 8a5 5 0 1 1-1.6-3.7" />
      <path {...stroke} d="M12.2 1.8v3h-3" />
    </>
  );
}

function ToneShape({ tone }: { tone: PodTone }) {
  switch (tone) {
    case 'running':
      return (
        <>
          <circle cx="8" cy="8" r="7" fill="currentColor" />
          <path d="M4.6 8.3l2.2 2.2 4.6-4.8" fill="none" stroke="#fff" strokeWidth="1.9" />
        </>
      );
    case 'pending':
      return (
        <>
          <circle {...stroke} cx="8" cy="8" r="6.2" />
          <path {...stroke} d="M8 4.6V8l2.4 1.6" />
        </>
      );
    case 'creating':
      return (
        <>
          <circle {...stroke} cx="8" cy="8" r="6" opacity="0.3" />
          <path {...stroke} d="M8 2a6 6 0 0 1 6 6" />
        </>
      );
    case 'terminating':
      return (
        <>
          <circle {...stroke} cx="8" cy="8" r="6.2" strokeDasharray="2.6 2" />
          <path {...stroke} d="M5 8h6" />
        </>
      );
    case 'warning':
      return (
        <>
          <path d="M8 1.2l7 12.6H1z" fill="currentColor" />
          <path d="M8 5.6v4" stroke="#fff" strokeWidth="1.8" strokeLinecap="round" />
          <circle cx="8" cy="11.8" r="1" fill="#fff" />
        </>
      );
    case 'error':
      return (
        <>
          <circle cx="8" cy="8" r="7" fill="currentColor" />
          <path d="M5.4 5.4l5.2 5.2M10.6 5.4l-5.2 5.2" stroke="#fff" strokeWidth="1.9" />
        </>
      );
    case 'done':
      return (
        <>
          <circle {...stroke} cx="8" cy="8" r="6.2" />
          <path {...stroke} d="M5.2 8.2l2 2 3.8-4" />
        </>
      );
    case 'unknown':
      return (
        <>
          <circle {...stroke} cx="8" cy="8" r="6.2" />
          <path {...stroke} d="M6.2 6.3a1.9 1.9 0 1 1 2.6 1.8c-.5.3-.8.6-.8 1.2" />
          <circle cx="8" cy="11.6" r="0.9" fill="currentColor" />
        </>
      );
  }
}
