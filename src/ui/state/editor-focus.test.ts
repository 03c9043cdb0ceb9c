import { describe, expect, it } from 'vitest';
import { sameRefs, useEditorFocus } from './editor-focus';

describe('editor focus', () => {
  it('publishes the cursor’s objects, and only changes', () => {
    const seen: number[] = [];
    const off = useEditorFocus.subscribe((s) => seen.push(s.focused.length));
    const d = { kind: 'Deployment', namespace: 'default', name: 'httpd2' };
    useEditorFocus.getState().setFocused([d], 'deployment.yml');
    useEditorFocus.getState().setFocused([{ ...d }], 'deployment.yml');
    useEditorFocus.getState().setFocused([], 'deployment.yml');
    off();
    expect(seen).toEqual([1, 0]);
    expect(sameRefs([d], [{ ...d, namespace: 'x' }])).toBe(false);
  });
});
