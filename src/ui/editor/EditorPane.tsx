/** The Editor pane (placeholder until its issue-4 work lands). */
export function EditorPane() {
  return <p className="pane-placeholder">Editor</p>;
}
