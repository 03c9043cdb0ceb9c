import { useMemo, useState } from 'react';
import type { KObject } from '../../engine';
import { toYaml } from '../../engine';
import { highlightYaml } from './yaml-highlight';

/** The live object as `kubectl get -o yaml` prints it: read-only, monospace, lightly coloured. */
export function YamlView({ obj, name }: { obj: KObject; name: string }) {
  const text = useMemo(() => toYaml(obj), [obj]);
  const lines = useMemo(() => highlightYaml(text), [text]);
  const [wrap, setWrap] = useState(false);
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(text).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="insp-yaml">
      <div className="insp-yaml-toolbar">
        <label className="insp-check">
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} />
          Wrap long lines
        </label>
        <button
          type="button"
          className="insp-button"
          onClick={copy}
          onBlur={() => setCopied(false)}
        >
          {copied ? 'Copied' : 'Copy YAML'}
        </button>
      </div>
      <pre
        className={`insp-yaml-text${wrap ? ' insp-yaml-wrap' : ''}`}
        tabIndex={0}
        aria-label={`YAML of ${name}`}
      >
        <code>
          {lines.map((line, i) => (
            <span key={i} className="insp-yaml-line">
              {line.map((tk, j) =>
                tk.kind ? (
                  <span key={j} className={`insp-y-${tk.kind}`}>
                    {tk.text}
                  </span>
                ) : (
                  tk.text
                ),
              )}
              {'\n'}
            </span>
          ))}
        </code>
      </pre>
    </div>
  );
}
