/**
 * xterm.js on the page: the terminal widget, its fit to the pane, its colours from CSS variables,
 * copy and paste, and the keys it hands to the TerminalSession. Loaded as its own chunk
 * (TerminalPane imports it dynamically): xterm is ~90 kB gzip the first paint does not need.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import type { ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { BufferedScreen, TerminalSession } from './terminal-session';

const ANSI = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

/** xterm's colours from the page's CSS variables (app.css, "Terminal pane" block). */
export function themeFrom(el: Element): ITheme {
  const css = getComputedStyle(el);
  const v = (name: string): string => css.getPropertyValue(`--terminal-${name}`).trim();
  const theme: Record<string, string> = {
    background: v('bg'),
    foreground: v('fg'),
    cursor: v('cursor'),
    cursorAccent: v('bg'),
    selectionBackground: v('selection'),
  };
  for (const c of ANSI) {
    theme[c] = v(c);
    theme[`bright${c.charAt(0).toUpperCase()}${c.slice(1)}`] = v(`bright-${c}`);
  }
  return Object.fromEntries(Object.entries(theme).filter(([, x]) => x !== '')) as ITheme;
}

/**
 * Open xterm in `el`, route its keys to `session` and the session's output (buffered in `screen`
 * until now) to it. Returns the function that takes it all down.
 */
export function mountXterm(
  el: HTMLElement,
  screen: BufferedScreen,
  session: TerminalSession,
): () => void {
  const css = getComputedStyle(el);
  const term = new Terminal({
    // Output goes to a live region and the rows stay readable as text for screen readers; the
    // input keeps xterm's accessible name, "Terminal input".
    screenReaderMode: true,
    fontFamily: css.getPropertyValue('--terminal-font').trim() || 'monospace',
    fontSize: Number.parseFloat(css.getPropertyValue('--terminal-font-size')) || 14,
    lineHeight: 1.15,
    cursorBlink: true,
    scrollback: 5000,
    theme: themeFrom(el),
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(el);

  const copySelection = (): void => {
    const text = term.getSelection();
    if (text) void navigator.clipboard?.writeText(text).catch(() => undefined);
  };
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown') return true;
    const key = e.key.toLowerCase();
    // Ctrl+Shift+C copies (the browser would open its inspector); Ctrl+C copies a selection, and
    // interrupts when there is none.
    if (e.ctrlKey && key === 'c' && (e.shiftKey || term.hasSelection())) {
      copySelection();
      term.clearSelection();
      e.preventDefault();
      return false;
    }
    // Ctrl+V and Ctrl+Shift+V: the browser pastes (xterm turns the paste event into input).
    if (e.ctrlKey && key === 'v') return false;
    // Esc leaves the terminal (Tab completes inside it), so the keyboard can move on: focus goes
    // to the pane and the input is out of the tab order until focus has left the pane.
    if (e.key === 'Escape' && !e.ctrlKey && !e.altKey && !e.shiftKey) {
      if (term.textarea) term.textarea.tabIndex = -1;
      el.focus();
      return false;
    }
    return true;
  });

  const fitNow = (): void => {
    if (el.clientWidth > 0 && el.clientHeight > 0) fit.fit();
  };
  fitNow();
  screen.attach({
    write: (data) => term.write(data),
    get cols() {
      return term.cols;
    },
  });

  const tabIndex = term.textarea?.tabIndex ?? 0;
  const restoreTabOrder = (): void => {
    window.setTimeout(() => {
      if (term.textarea) term.textarea.tabIndex = tabIndex;
    }, 0);
  };
  el.addEventListener('blur', restoreTabOrder);

  const onData = term.onData((data) => session.input(data));
  const resize = new ResizeObserver(fitNow);
  resize.observe(el);
  // A new theme (data-theme on <html>) brings new CSS variables.
  const themeWatch = new MutationObserver(() => {
    term.options.theme = themeFrom(el);
  });
  themeWatch.observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['data-theme', 'class'],
  });

  return () => {
    el.removeEventListener('blur', restoreTabOrder);
    themeWatch.disconnect();
    resize.disconnect();
    onData.dispose();
    term.dispose();
  };
}
