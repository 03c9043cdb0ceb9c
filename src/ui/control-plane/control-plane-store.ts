/**
 * The Control plane panel's state: the switch ("Animate applies"), the story being told (the
 * latest kubectl write's), the step shown and the playback (playing, speed). The bridge
 * (control-plane-bridge.ts) fills the story; the pane only reads and steps.
 */
import { create } from 'zustand';
import type { Speed } from '../trace/playback';
import type { StoryStep } from './story';

export interface StoryView {
  /** Increasing, never reused within a page's life. */
  id: number;
  /** The command that wrote (a terminal line, or the editor's `kubectl apply -f file`). */
  command: string;
  startedAt: number;
  steps: readonly StoryStep[];
  /** Still gathering records (the cluster has not settled yet). */
  collecting: boolean;
  /** Why the story is summarised instead of animated (a large apply). */
  skipped?: string;
  records: number;
  objects: number;
  /** The cluster's nodes (a lane group per node). */
  nodes: readonly string[];
}

export interface ControlPlaneState {
  enabled: boolean;
  story: StoryView | undefined;
  /** Index into the story's steps, or none. */
  step: number | undefined;
  playing: boolean;
  speed: Speed;
  setEnabled(enabled: boolean): void;
  /** A new story, or the same story with more steps. */
  setStory(story: StoryView): void;
  selectStep(step: number | undefined): void;
  setPlaying(playing: boolean): void;
  setSpeed(speed: Speed): void;
  clear(): void;
}

export const useControlPlaneStore = create<ControlPlaneState>()((set) => ({
  enabled: true,
  story: undefined,
  step: undefined,
  playing: false,
  speed: 1,
  setEnabled: (enabled) => set({ enabled }),
  setStory: (story) =>
    set((s) =>
      s.story?.id === story.id
        ? { story }
        : { story, step: story.steps.length > 0 ? 0 : undefined, playing: !story.skipped },
    ),
  selectStep: (step) => set({ step }),
  setPlaying: (playing) => set({ playing }),
  setSpeed: (speed) => set({ speed }),
  clear: () => set({ story: undefined, step: undefined, playing: false }),
}));
