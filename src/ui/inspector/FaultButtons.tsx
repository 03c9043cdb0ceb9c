import type { KObject } from '../../engine';
import { usePlayground } from '../host/context';
import { publishToTerminal } from '../state/terminal-feed';
import { FAULT_HINTS, faultCommand, faultOf, faultsFor } from './faults';
import './faults.css';

/**
 * Fault buttons for a pod (Refuse, Freeze, Hang, Crash, Unready) or a node (Down), and Heal.
 * Each runs the `kubectl annotate` a learner would type, on the master through the host — so it
 * is in the session log and the terminal echoes it, like the header's Proxy mode control.
 */
export function FaultButtons({ obj }: { obj: KObject }) {
  const host = usePlayground();
  const faults = faultsFor(obj.kind);
  if (faults.length === 0 || !obj.metadata.name) return null;
  const current = faultOf(obj);
  const target = {
    kind: obj.kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
  const run = (fault: string | undefined) => {
    const command = faultCommand(target, fault);
    const result = host.runOnMaster(command);
    publishToTerminal({
      command,
      ...result,
      source: 'inspector',
      prompt: host.cluster.shell.masterPrompt(),
    });
  };
  return (
    <div className="insp-faults" role="group" aria-label="Faults">
      <span className="insp-faults-label" aria-hidden="true">
        Fault
      </span>
      {faults.map((f) => (
        <button
          key={f}
          type="button"
          className="insp-fault-button"
          aria-pressed={current === f}
          title={`${FAULT_HINTS[f] ?? f} (kubectl annotate … playground/fault=${f})`}
          onClick={() => run(f)}
        >
          {f[0]!.toUpperCase() + f.slice(1)}
        </button>
      ))}
      <button
        type="button"
        className="insp-fault-button insp-fault-heal"
        disabled={current === undefined}
        title="Remove the fault (kubectl annotate … playground/fault-)"
        onClick={() => run(undefined)}
      >
        Heal
      </button>
    </div>
  );
}
