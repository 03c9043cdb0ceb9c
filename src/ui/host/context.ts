/**
 * The page's one PlaygroundHost, reachable from any component (`usePlayground()`), and the
 * `window.playground` console API that exposes the same host.
 */
import { createContext, useContext } from 'react';
import type { PlaygroundHost } from './playground-host';

export const PlaygroundContext = createContext<PlaygroundHost | undefined>(undefined);

export function usePlayground(): PlaygroundHost {
  const host = useContext(PlaygroundContext);
  if (!host) throw new Error('usePlayground() outside <PlaygroundContext.Provider>');
  return host;
}
