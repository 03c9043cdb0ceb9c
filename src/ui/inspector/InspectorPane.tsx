/** The Inspector pane (placeholder until its issue-4 work lands). */
export function InspectorPane() {
  return <p className="pane-placeholder">Inspector</p>;
}
