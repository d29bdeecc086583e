/** The sandbox inbox: every message the engine sent, rendered as the person sees it; filter by flow, channel and contact. */
import { useEffect, useState } from 'react';
import { errorText, flowsApi, messagesApi, type FlowSummary, type Message } from '../api';
import { MessageGrid } from './People';

export function InboxPage() {
  const [flows, setFlows] = useState<FlowSummary[]>([]);
  const [flowId, setFlowId] = useState('');
  const [channel, setChannel] = useState('');
  const [externalId, setExternalId] = useState('');
  const [items, setItems] = useState<Message[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    flowsApi
      .list()
      .then((p) => setFlows(p.items))
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    const t = setTimeout(() => {
      messagesApi
        .list({ flowId: flowId || undefined, channel: channel || undefined, externalId: externalId.trim() || undefined })
        .then((p) => {
          setItems(p.items);
          setError(null);
        })
        .catch((e) => setError(errorText(e)));
    }, 250);
    return () => clearTimeout(t);
  }, [flowId, channel, externalId]);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Inbox</h1>
        <div className="inline-form">
          <select name="inboxFlow" value={flowId} onChange={(e) => setFlowId(e.target.value)}>
            <option value="">All flows</option>
            {flows.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
          <select name="inboxChannel" value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">All channels</option>
            <option value="email">Email</option>
            <option value="push">Push</option>
            <option value="sms">SMS</option>
            <option value="webhook">Webhook</option>
          </select>
          <input name="inboxContact" placeholder="externalId" value={externalId} onChange={(e) => setExternalId(e.target.value)} />
        </div>
      </div>
      {error && <div className="alert error">{error}</div>}
      {items === null ? (
        <div className="empty">Loading…</div>
      ) : items.length === 0 ? (
        <div className="empty">No messages yet.</div>
      ) : (
        <MessageGrid messages={items} />
      )}
    </div>
  );
}
