import { useEffect, useMemo } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { EditorPane } from './editor/EditorPane';
import { GraphPane } from './graph/GraphPane';
import { Header } from './header/Header';
import { loadExplainSchema } from '../engine';
import { consoleApi } from './host/console-api';
import { PlaygroundContext } from './host/context';
import { PlaygroundHost } from './host/playground-host';
import { bindStore } from './state/cluster-store';
import { TerminalPane } from './terminal/TerminalPane';
import { TraceSide } from './trace/TraceSide';

/**
 * The playground itself (loaded as its own chunk, see App.tsx): a header, the Editor on the left, the Cluster graph above the Terminal in
 * the centre, the Inspector and the Trace (tabs) on the right; panes resize and the layout is remembered.
 */
export default function Workbench() {
  const host = useMemo(() => new PlaygroundHost({ storage: localStorage }), []);
  useEffect(() => {
    const unbind = bindStore(host);
    host.start();
    window.playground = consoleApi(host);
    // kubectl explain's schema is a chunk of its own: fetch it once the page is up.
    void loadExplainSchema();
    const save = () => host.save();
    window.addEventListener('pagehide', save);
    return () => {
      window.removeEventListener('pagehide', save);
      host.stop();
      unbind();
    };
  }, [host]);
  const columns = useDefaultLayout({ id: 'playground-columns', storage: localStorage });
  const centre = useDefaultLayout({ id: 'playground-centre', storage: localStorage });
  return (
    <PlaygroundContext.Provider value={host}>
      <div className="app">
        <Header />
        <Group
          className="app-panes"
          orientation="horizontal"
          defaultLayout={columns.defaultLayout}
          onLayoutChanged={columns.onLayoutChanged}
        >
          <Panel id="editor" defaultSize="28" minSize="15">
            <section className="pane" aria-label="Editor">
              <EditorPane />
            </section>
          </Panel>
          <Separator className="pane-separator" />
          <Panel id="centre" defaultSize="50" minSize="25">
            <Group
              orientation="vertical"
              defaultLayout={centre.defaultLayout}
              onLayoutChanged={centre.onLayoutChanged}
            >
              <Panel id="graph" defaultSize="62" minSize="20">
                <section className="pane" aria-label="Cluster graph">
                  <GraphPane />
                </section>
              </Panel>
              <Separator className="pane-separator" />
              <Panel id="terminal" defaultSize="38" minSize="12">
                <section className="pane" aria-label="Terminal">
                  <TerminalPane />
                </section>
              </Panel>
            </Group>
          </Panel>
          <Separator className="pane-separator" />
          <Panel id="inspector" defaultSize="22" minSize="12">
            {/* The Inspector and the Trace, as tabs (trace/TraceSide.tsx says why). */}
            <TraceSide />
          </Panel>
        </Group>
      </div>
    </PlaygroundContext.Provider>
  );
}
