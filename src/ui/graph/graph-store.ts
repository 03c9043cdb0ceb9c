/**
 * The graph's own state, remembered in localStorage under one key: positions the user dragged
 * (by graph id; relative to the node box for pods) and the view options.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { DEFAULT_OPTIONS } from './graph-model';
import type { GraphOptions, XY } from './graph-model';

export const GRAPH_STORAGE_KEY = 'k8s-playground.graph';

export interface GraphUiStore extends GraphOptions {
  positions: Record<string, XY>;
  setPosition(id: string, position: XY): void;
  forgetPositions(ids: readonly string[]): void;
  setOptions(options: Partial<GraphOptions>): void;
  /** Forget dragged positions: back to the computed layout. */
  resetLayout(): void;
  /** Forget positions and options (what the page's Reset should call). */
  resetGraph(): void;
}

export const useGraphStore = create<GraphUiStore>()(
  persist(
    (set) => ({
      ...DEFAULT_OPTIONS,
      positions: {},
      setPosition: (id, position) =>
        set((s) => ({
          positions: {
            ...s.positions,
            [id]: { x: Math.round(position.x), y: Math.round(position.y) },
          },
        })),
      forgetPositions: (ids) =>
        set((s) => {
          const positions = { ...s.positions };
          for (const id of ids) delete positions[id];
          return { positions };
        }),
      setOptions: (options) => set(options),
      resetLayout: () => set({ positions: {} }),
      resetGraph: () => set({ ...DEFAULT_OPTIONS, positions: {} }),
    }),
    {
      name: GRAPH_STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: ({ positions, namespace, showOwnership, collapseSystem }) => ({
        positions,
        namespace,
        showOwnership,
        collapseSystem,
      }),
    },
  ),
);
