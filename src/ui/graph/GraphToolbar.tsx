import { useShallow } from 'zustand/react/shallow';
import { useGraphStore } from './graph-store';

interface Props {
  namespaces: readonly string[];
  onFitView(): void;
}

/** The graph's view controls: namespace filter, ownership, kube-system, fit, layout reset. */
export function GraphToolbar({ namespaces, onFitView }: Props) {
  const { namespace, showOwnership, collapseSystem, dragged, setOptions, resetLayout } =
    useGraphStore(
      useShallow((s) => ({
        namespace: s.namespace,
        showOwnership: s.showOwnership,
        collapseSystem: s.collapseSystem,
        dragged: Object.keys(s.positions).length > 0,
        setOptions: s.setOptions,
        resetLayout: s.resetLayout,
      })),
    );
  const choices =
    namespace && !namespaces.includes(namespace) ? [...namespaces, namespace] : namespaces;
  return (
    <div className="k8s-graph-toolbar">
      <label>
        Namespace
        <select value={namespace} onChange={(e) => setOptions({ namespace: e.target.value })}>
          <option value="">All namespaces</option>
          {choices.map((ns) => (
            <option key={ns} value={ns}>
              {ns}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={showOwnership}
          onChange={(e) => setOptions({ showOwnership: e.target.checked })}
        />
        Show ownership
      </label>
      <label title={namespace ? 'Only when showing all namespaces' : undefined}>
        <input
          type="checkbox"
          checked={collapseSystem}
          disabled={namespace !== ''}
          onChange={(e) => setOptions({ collapseSystem: e.target.checked })}
        />
        Collapse kube-system
      </label>
      <div className="k8s-graph-toolbar-buttons">
        <button type="button" onClick={onFitView}>
          Fit view
        </button>
        {dragged && (
          <button type="button" onClick={resetLayout}>
            Reset layout
          </button>
        )}
      </div>
    </div>
  );
}
