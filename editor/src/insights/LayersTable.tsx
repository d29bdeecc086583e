/**
 * The Metrics screen's “Layers” table (issue 24): per condition branch and split arm, treatment against holdout
 * conversion, the lift with its 95 % interval, incremental conversions per 100 messages, the cost of each
 * incremental conversion and the verdict in a sentence. Sorted by the API (incremental conversions per 100 messages).
 */
import type { Metrics } from '../api';
import './insights.css';
import { handleName, holdoutLine, interval, money, perHundred, points, share, verdictPhrase } from './layer-verdicts';

export function LayersTable({ metrics }: { metrics: Pick<Metrics, 'layers' | 'holdoutPercent'> }) {
  const { layers, holdoutPercent } = metrics;
  return (
    <section className="card" data-layers>
      <h2>Layers</h2>
      <p className="hint" data-holdout-line>
        {holdoutLine(holdoutPercent)}
      </p>
      {layers.length === 0 ? (
        <div className="empty">This flow has no branches or split arms to compare.</div>
      ) : (
        <table className="table layers-table">
          <thead>
            <tr>
              <th>Path</th>
              <th>Messaged: converted</th>
              <th>Held out: converted</th>
              <th>Lift (95 % interval)</th>
              <th title="conversions the messages caused, per 100 messages sent on this path">Extra per 100 messages</th>
              <th title="what the path's messages cost per conversion they caused">Cost per extra conversion</th>
              <th>Verdict</th>
            </tr>
          </thead>
          <tbody>
            {layers.map((l) => (
              <tr key={`${l.nodeId}/${l.handle}`} data-layer={`${l.nodeId}/${l.handle}`} data-verdict={l.verdict}>
                <td>
                  <strong>{l.nodeLabel}</strong> → “{handleName(l.handle)}”
                </td>
                <td>
                  {share(l.treatment.converted, l.treatment.journeys)}{' '}
                  <span className="muted">
                    ({l.treatment.converted} of {l.treatment.journeys})
                  </span>
                </td>
                <td>
                  {share(l.holdout.converted, l.holdout.journeys)}{' '}
                  <span className="muted">
                    ({l.holdout.converted} of {l.holdout.journeys})
                  </span>
                </td>
                <td>
                  <strong className={l.absolute !== null && l.absolute < 0 ? 'neg' : ''}>{points(l.absolute)}</strong>{' '}
                  <span className="muted">({interval(l.absoluteInterval)})</span>
                </td>
                <td>{perHundred(l.incrementalPer100Messages)}</td>
                <td>{money(l.costPerIncrementalConversionCents)}</td>
                <td className="layer-verdict">
                  <span className={`verdict-badge verdict-${l.verdict}`} data-verdict-phrase>
                    {verdictPhrase[l.verdict]}
                  </span>
                  <small className="layer-sentence" data-layer-sentence>
                    {l.sentence}
                  </small>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
