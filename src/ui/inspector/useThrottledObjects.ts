/**
 * The store's objects, at most every `ms` of real time: the inspector rebuilds its sections from
 * the whole snapshot (scans over pods and events), and does not need to at 60 frames a second
 * while a 10,000-pod burst settles. The latest objects always arrive, at most `ms` late.
 */
import { useEffect, useState } from 'react';
import type { ObjectsByKind } from '../state/cluster-store';
import { useClusterStore } from '../state/cluster-store';

export function useThrottledObjects(ms: number): ObjectsByKind {
  const [objects, setObjects] = useState(() => useClusterStore.getState().objects);
  useEffect(() => {
    let timer: number | undefined;
    let last = 0;
    const flush = () => {
      timer = undefined;
      last = performance.now();
      setObjects(useClusterStore.getState().objects);
    };
    // Objects may have changed between the first render and this effect.
    flush();
    const unsubscribe = useClusterStore.subscribe((s, prev) => {
      if (s.objects === prev.objects || timer !== undefined) return;
      const wait = last + ms - performance.now();
      if (wait <= 0) flush();
      else timer = window.setTimeout(flush, wait);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [ms]);
  return objects;
}
