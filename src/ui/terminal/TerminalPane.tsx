/** The Terminal pane (placeholder until its issue-4 work lands). */
export function TerminalPane() {
  return <p className="pane-placeholder">Terminal</p>;
}
