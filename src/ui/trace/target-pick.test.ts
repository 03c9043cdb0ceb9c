import { beforeEach, describe, expect, it } from 'vitest';
import { takePick, useTargetPick } from './target-pick';

const svc = { kind: 'Service', namespace: 'default', name: 'httpd2' };

describe('Pick on graph', () => {
  beforeEach(() => useTargetPick.setState({ picking: false, picked: undefined }));

  it('a click is not taken while the form is not picking', () => {
    expect(takePick(svc)).toBe(false);
    expect(useTargetPick.getState().picked).toBeUndefined();
  });
  it('takes a Service, pod or node once, then picking is off', () => {
    useTargetPick.getState().setPicking(true);
    expect(takePick(svc)).toBe(true);
    expect(useTargetPick.getState()).toMatchObject({
      picking: false,
      picked: { ref: svc, seq: 1 },
    });
    expect(takePick({ kind: 'Node', name: 'node1' })).toBe(false);
    useTargetPick.getState().setPicking(true);
    expect(takePick(svc)).toBe(true);
    expect(useTargetPick.getState().picked?.seq).toBe(2);
  });
  it('leaves other cards to the Inspector (and keeps picking)', () => {
    useTargetPick.getState().setPicking(true);
    expect(takePick({ kind: 'Deployment', namespace: 'default', name: 'httpd2' })).toBe(false);
    expect(useTargetPick.getState().picking).toBe(true);
  });
});
