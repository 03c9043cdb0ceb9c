/**
 * The playground's own settings (kube-proxy mode, the simulated cloud load balancer) as React
 * state: the cluster's Dataplane holds them (the `playground` command, the engine API and the CLI
 * write them there); this hook follows them, also across a Reset, which brings a new cluster.
 */
import { useSyncExternalStore } from 'react';
import { dataplaneOf } from '../../engine';
import type { PlaygroundSettings } from '../../engine';
import type { PlaygroundHost } from '../host/playground-host';

export function usePlaygroundSettings(host: PlaygroundHost): Readonly<PlaygroundSettings> {
  return useSyncExternalStore(
    (notify) => {
      let off = dataplaneOf(host.cluster.context).onSettings(notify);
      // A Reset replaces the cluster: follow the new one's settings.
      const offHost = host.subscribe((changes) => {
        if (changes !== undefined) return;
        off();
        off = dataplaneOf(host.cluster.context).onSettings(notify);
        notify();
      });
      return () => {
        off();
        offHost();
      };
    },
    () => dataplaneOf(host.cluster.context).settings,
  );
}
