/**
 * The message's subscription topic, picked from the workspace's topics (Settings → Topics): contacts who left the
 * topic are skipped on that channel, at queue and at send time. A key the workspace does not define (typed into the
 * flow's JSON, or from an imported flow) stays shown, saying it restricts nothing.
 */
import { useEffect, useState } from 'react';
import { topicsApi, type TopicView } from '../../api';
import type { ChannelData } from '../../engine';
import { SelectField } from '../../forms/fields';
import { withOptional } from '../../forms/with-optional';

export function TopicField({
  config,
  onChange,
  disabled,
}: {
  config: ChannelData;
  onChange: (c: ChannelData) => void;
  disabled?: boolean;
}) {
  const [topics, setTopics] = useState<TopicView[] | null>(null);
  useEffect(() => {
    topicsApi
      .list()
      .then((t) => setTopics(t.items))
      .catch(() => setTopics([]));
  }, []);
  const current = config.topic ?? '';
  const options: [string, string][] = [
    ['', 'No topic: everyone with consent for the channel'],
    ...(topics ?? []).map((t): [string, string] => [t.key, `${t.name} (${t.defaultSubscribed ? 'opt-out' : 'opt-in'})`]),
  ];
  if (current && topics && !topics.some((t) => t.key === current)) options.push([current, `${current}: not a topic of this workspace`]);
  const picked = topics?.find((t) => t.key === current);
  return (
    <SelectField
      label="Topic"
      name="topic"
      value={current}
      disabled={disabled || topics === null}
      options={options}
      onChange={(topic) => onChange(withOptional(config, 'topic', topic || undefined))}
      hint={
        !current
          ? 'Name a topic (Settings → Topics) so contacts can leave it on the preference page.'
          : picked
            ? picked.defaultSubscribed
              ? `Sent to everyone except those who left “${picked.name}”.`
              : `Sent only to those who chose “${picked.name}”.`
            : 'Restricts nothing until a topic with this short name is added in Settings → Topics.'
      }
    />
  );
}
