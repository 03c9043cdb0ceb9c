import { useEffect, useMemo, useState } from 'react';
import { createCluster } from '../engine';
import type { Cluster } from '../engine';

/**
 * One simulated cluster for the page, with a version number that bumps whenever the engine's
 * change feed reports something, so components re-read the store. Virtual time runs at 1 s per
 * second of real time (the engine itself has no wall clock; the UI drives it).
 */
export function useCluster(seed = 1): { cluster: Cluster; version: number } {
  const cluster = useMemo(() => createCluster({ seed }), [seed]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const unsubscribe = cluster.subscribe(() => setVersion((v) => v + 1));
    const timer = window.setInterval(() => cluster.advance(1000), 1000);
    return () => {
      window.clearInterval(timer);
      unsubscribe();
    };
  }, [cluster]);
  return { cluster, version };
}
