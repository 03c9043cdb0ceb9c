import { useEffect, useRef } from 'react';
import { usePlayground } from '../host/context';
import { subscribeTerminalFeed } from '../state/terminal-feed';
import { BufferedScreen, TerminalSession } from './terminal-session';
import './terminal.css';

/**
 * The Terminal pane: the playground's root shell on the master in xterm.js. Keys go to a
 * TerminalSession (line editing, history, completion, the shell); its output goes to xterm, which
 * loads as its own chunk (xterm-view.ts). Commands the editor runs appear as if typed here.
 */
export function TerminalPane() {
  const host = usePlayground();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const screen = new BufferedScreen();
    const session = new TerminalSession(host, screen);
    session.start();
    const offFeed = subscribeTerminalFeed((entry) => session.showExternal(entry));
    const offHost = host.subscribe((changes) => {
      if (changes === undefined) session.restart();
    });
    let alive = true;
    let unmount = (): void => undefined;
    void import('./xterm-view').then(({ mountXterm }) => {
      if (alive) unmount = mountXterm(el, screen, session);
    });
    return () => {
      alive = false;
      unmount();
      offHost();
      offFeed();
    };
  }, [host]);

  return (
    <div className="terminal-pane">
      <div className="terminal-toolbar">
        <span className="terminal-title">Terminal</span>
        <span className="terminal-hint">
          <kbd>Tab</kbd> completes · <kbd>↑</kbd> history · <kbd>Ctrl</kbd>+<kbd>L</kbd> clears ·{' '}
          <kbd>Esc</kbd> leaves the terminal
        </span>
      </div>
      <div className="terminal-host" ref={ref} tabIndex={-1} />
    </div>
  );
}
