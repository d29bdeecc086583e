import { useEffect, useState, type FormEvent } from 'react';
import { errorText, flowsApi, publishingApi, type FlowStats, type FlowSummary, type FlowTemplate, type Me } from '../api';
import { Bump, LiveIndicator, useLive } from '../live';
import { href, navigate } from '../router';
import { StatusBadge, when } from '../ui';

const BLANK = '';

export function FlowList({ me }: { me: Me }) {
  const [flows, setFlows] = useState<FlowSummary[] | null>(null);
  const [templates, setTemplates] = useState<FlowTemplate[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState('');
  const [stats, setStats] = useState<Map<string, FlowStats['items'][number]>>(new Map());
  const canDesign = me.permissions.includes('design');
  const canOperate = me.permissions.includes('operate');

  const refresh = () =>
    Promise.all([
      flowsApi.list().then((page) => {
        setFlows(page.items);
        setError(null);
      }),
      publishingApi.stats().then((s) => setStats(new Map(s.items.map((i) => [i.flowId, i])))),
    ]);
  const load = () => void refresh().catch((e) => setError(errorText(e)));
  const live = useLive(refresh, []);
  const duplicate = async (f: FlowSummary) => {
    try {
      const full = await flowsApi.get(f.id);
      const copy = await flowsApi.create({ name: `${f.name} (copy)`, graph: full.graph });
      navigate({ name: 'flow', id: copy.id, tab: 'canvas' });
    } catch (e) {
      setError(errorText(e));
    }
  };
  const archive = async (f: FlowSummary) => {
    if (!window.confirm(`Archive “${f.name}”? Live journeys exit and queued messages are cancelled.`)) return;
    try {
      await flowsApi.transition(f.id, 'archive');
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const remove = async (f: FlowSummary) => {
    if (!window.confirm(`Delete the draft “${f.name}”? This cannot be undone.`)) return;
    try {
      await flowsApi.remove(f.id);
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const shown = (flows ?? []).filter((f) => f.name.toLowerCase().includes(search.trim().toLowerCase()));

  useEffect(() => {
    flowsApi
      .templates()
      .then((t) => setTemplates(t.items))
      .catch(() => setTemplates([]));
  }, []);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Flows</h1>
          <p className="muted">Win-back journeys: who enters, what they get, and when they count as won back.</p>
        </div>
        <LiveIndicator state={live} />
        <input className="search" name="flowSearch" placeholder="Search flows" value={search} onChange={(e) => setSearch(e.target.value)} />
        {canDesign && (
          <button className="btn primary" onClick={() => setCreating((c) => !c)}>
            {creating ? 'Close' : 'New flow'}
          </button>
        )}
      </div>
      {creating && <NewFlow templates={templates} />}
      {error && <div className="alert error">{error}</div>}
      {flows === null && !error ? (
        <div className="empty">Loading flows…</div>
      ) : flows && flows.length === 0 ? (
        <div className="empty">No flows yet. Create one from a template to start.</div>
      ) : (
        flows && (
          <table className="table flows-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Version</th>
                <th title="in the last 7 days">Entered (7 d)</th>
                <th title="journeys waiting or running now">In progress</th>
                <th title="in the last 7 days">Converted (7 d)</th>
                <th>Updated</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shown.map((f) => (
                <tr key={f.id} className="clickable" onClick={() => navigate({ name: 'flow', id: f.id, tab: 'canvas' })}>
                  <td>
                    <a href={href({ name: 'flow', id: f.id, tab: 'canvas' })} className="flow-name">
                      {f.name}
                    </a>
                  </td>
                  <td>
                    <StatusBadge status={f.status} />
                  </td>
                  <td>
                    v{f.version}
                    {f.liveVersion !== null && f.liveVersion !== f.version && <span className="muted"> (live v{f.liveVersion})</span>}
                  </td>
                  <td data-stat="entered">
                    <Bump value={stats.get(f.id)?.entered ?? 0}>{stats.get(f.id)?.entered ?? 0}</Bump>
                  </td>
                  <td data-stat="live">
                    <Bump value={stats.get(f.id)?.live ?? 0}>{stats.get(f.id)?.live ?? 0}</Bump>
                  </td>
                  <td data-stat="converted">
                    <Bump value={stats.get(f.id)?.converted ?? 0}>{stats.get(f.id)?.converted ?? 0}</Bump>
                  </td>
                  <td className="muted">{when(f.updatedAt)}</td>
                  <td className="row-links">
                    {canDesign && (
                      <a
                        href="#/"
                        onClick={(e) => {
                          e.preventDefault();
                          e.stopPropagation();
                          void duplicate(f);
                        }}
                      >
                        Duplicate
                      </a>
                    )}
                    {canDesign && f.status === 'draft' && f.liveVersion === null && (
                      <a
                        href="#/"
                        onClick={(e) => {
                          e.preventDefault();
                          e.stopPropagation();
                          void remove(f);
                        }}
                      >
                        Delete
                      </a>
                    )}
                    {canOperate && f.status !== 'archived' && (
                      <a
                        href="#/"
                        onClick={(e) => {
                          e.preventDefault();
                          e.stopPropagation();
                          void archive(f);
                        }}
                      >
                        Archive
                      </a>
                    )}
                    <a href={href({ name: 'flow', id: f.id, tab: 'journeys' })} onClick={(e) => e.stopPropagation()}>
                      Journeys
                    </a>
                    <a href={href({ name: 'flow', id: f.id, tab: 'metrics' })} onClick={(e) => e.stopPropagation()}>
                      Metrics
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </div>
  );
}

function NewFlow({ templates }: { templates: FlowTemplate[] }) {
  const [templateId, setTemplateId] = useState<string>(templates[0]?.id ?? BLANK);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (templateId === BLANK && templates[0] && name === '') setTemplateId(templates[0].id);
  }, [templates]); // eslint-disable-line react-hooks/exhaustive-deps -- pick the first template once they load

  const chosen = templates.find((t) => t.id === templateId);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const flowName = name.trim() || chosen?.name || 'Untitled flow';
      const flow = chosen
        ? await flowsApi.create({ name: flowName, templateId: chosen.id })
        : await flowsApi.create({
            name: flowName,
            graph: {
              nodes: [{ id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } }],
              edges: [],
            },
          });
      navigate({ name: 'flow', id: flow.id, tab: 'canvas' });
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  return (
    <form className="card new-flow" onSubmit={create}>
      <h2>Start a flow</h2>
      <div className="template-grid">
        {templates.map((t) => (
          <button
            type="button"
            key={t.id}
            data-template={t.id}
            className={`template ${templateId === t.id ? 'on' : ''}`}
            onClick={() => setTemplateId(t.id)}
          >
            <strong>{t.name}</strong>
            <span>{t.description}</span>
            <em>{t.graph.nodes.length} nodes</em>
          </button>
        ))}
        <button
          type="button"
          data-template="blank"
          className={`template ${templateId === BLANK ? 'on' : ''}`}
          onClick={() => setTemplateId(BLANK)}
        >
          <strong>Blank flow</strong>
          <span>Just a trigger; add the rest from the palette.</span>
          <em>1 node</em>
        </button>
      </div>
      <div className="inline-form">
        <label className="field grow">
          <span>Name</span>
          <input name="flowName" value={name} placeholder={chosen?.name ?? 'Untitled flow'} onChange={(e) => setName(e.target.value)} />
        </label>
        <button className="btn primary" type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create flow'}
        </button>
      </div>
      {error && <div className="alert error">{error}</div>}
    </form>
  );
}
