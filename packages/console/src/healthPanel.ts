import type {
  AppResponse,
  HaltPolicy,
  HaltPolicyBody,
  ReleaseHealth,
  ReleaseHealthPoint,
  ReleaseHealthResponse,
} from '@hotpatch/core';
import type { Api } from './api';
import { h, svg } from './dom';
import { may, type Session } from './session';
import { confirmDialog, field, withProgress } from './ui';

interface HealthDeployment {
  session: Session;
  api: Api;
  app: string;
  platform: string;
  channel: string;
}

/** What the page loaded for the panel: the health answer, or the sentence saying why there is none. */
export type LoadedHealth = { health: ReleaseHealthResponse } | { problem: string };

const when = (iso: string) => h('time', { datetime: iso }, new Date(iso).toLocaleString());

function percent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)} %`;
}

function describePolicy(policy: HaltPolicy): string {
  const counted = policy.unverifiedSignals
    ? ' (counting unauthenticated device-reported Expo signals too)'
    : ' (counting status reports only)';
  return `a release with at least ${policy.minInstalls} install attempts and a failure rate of ${policy.failureRatePercent} % or more${counted} is disabled automatically`;
}

/** Why a release is (not) offered: enabled, disabled by a person, or halted by auto-halt with its numbers. */
function status(row: ReleaseHealth): Node {
  if (row.autoHalt) {
    const { installed, failed, failureRatePercent, policy, at } = row.autoHalt;
    return h(
      'span',
      { class: 'halted' },
      'Halted by auto-halt ',
      when(at),
      `: ${failed} of ${installed + failed} install attempts failed (${failureRatePercent} %), policy ${policy.failureRatePercent} % from ${policy.minInstalls} installs`,
      row.disabled ? '' : '; re-enabled since by a person',
    );
  }
  return h('span', {}, row.disabled ? 'Disabled' : 'Enabled');
}

const CHART = { width: 160, height: 40, pad: 3 };

/**
 * A small line chart of one series over the deployment's time span (shared by every chart of the panel, so
 * releases line up): inline SVG, styled by attributes and the console's CSS (the CSP allows no inline style).
 * Its accessible name says what it shows in words.
 */
function chart(
  points: readonly ReleaseHealthPoint[],
  series: 'active' | 'failed',
  span: { from: number; to: number },
  name: string,
): Node {
  if (points.length === 0) return h('span', { class: 'muted' }, 'no folded reports yet');
  const values = points.map((point) => point[series]);
  const max = Math.max(1, ...values);
  const x = (at: string) =>
    span.to === span.from
      ? CHART.width - CHART.pad
      : CHART.pad + ((Date.parse(at) - span.from) / (span.to - span.from)) * (CHART.width - 2 * CHART.pad);
  const y = (value: number) => CHART.height - CHART.pad - (value / max) * (CHART.height - 2 * CHART.pad);
  const coordinates = points.map((point) => `${x(point.at).toFixed(1)},${y(point[series]).toFixed(1)}`);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const label = `${name}: ${first[series]} at ${new Date(first.at).toLocaleString()}, ${last[series]} at ${new Date(last.at).toLocaleString()} (${points.length} points)`;
  return svg(
    'svg',
    {
      class: `chart ${series}`,
      viewBox: `0 0 ${CHART.width} ${CHART.height}`,
      width: CHART.width,
      height: CHART.height,
      role: 'img',
      'aria-label': label,
      'data-points': points.length,
    },
    svg('title', {}, label),
    svg('line', {
      class: 'axis',
      x1: 0,
      y1: CHART.height - CHART.pad,
      x2: CHART.width,
      y2: CHART.height - CHART.pad,
    }),
    points.length > 1 ? svg('polyline', { class: 'line', points: coordinates.join(' '), fill: 'none' }) : null,
    svg('circle', {
      class: 'dot',
      cx: x(last.at).toFixed(1),
      cy: y(last[series]).toFixed(1),
      r: 2.5,
    }),
  );
}

function healthTable(deployment: HealthDeployment, health: ReleaseHealthResponse): Node {
  const times = health.releases.flatMap((row) => (row.history ?? []).map((point) => Date.parse(point.at)));
  const span = { from: Math.min(...times), to: Math.max(...times) };
  const rows = health.releases.map((row) =>
    h(
      'tr',
      { 'data-health-label': row.label, class: row.autoHalt && row.disabled ? 'disabled' : undefined },
      h('th', { scope: 'row' }, row.label),
      h('td', { class: 'downloaded' }, row.downloaded),
      h('td', { class: 'installed' }, row.installed),
      h('td', { class: 'failed' }, row.failed),
      h('td', { class: 'active' }, row.active),
      h(
        'td',
        { class: 'failure-rate' },
        row.failureRate === null ? '–' : percent(row.failureRate),
        row.failureRate === null
          ? null
          : h('meter', {
              min: 0,
              max: 1,
              value: row.failureRate,
              'aria-label': `${row.label} failure rate`,
              ...(health.haltPolicy ? { high: health.haltPolicy.failureRatePercent / 100 } : {}),
            }),
      ),
      h('td', { class: 'status' }, status(row)),
      h('td', {}, chart(row.history ?? [], 'active', span, `${row.label} active devices over time`)),
      h('td', {}, chart(row.history ?? [], 'failed', span, `${row.label} failed installs over time`)),
    ),
  );
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'health' },
      h('caption', {}, `Health of ${deployment.channel}'s releases, newest first`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[
            'Release',
            'Downloads',
            'Installs',
            'Failures',
            'Active devices',
            'Failure rate',
            'Status',
            'Adoption over time',
            'Failures over time',
          ].map((column) => h('th', { scope: 'col' }, column)),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

function foldSummary(health: ReleaseHealthResponse): Node {
  const pending =
    health.pendingReports > 0
      ? ` ${health.pendingMore ? 'More than ' : ''}${health.pendingReports} reports wait for the next fold and are not in these numbers.`
      : '';
  // Devices that reported leaving the binary before any report on it count below zero: show only the positive.
  const binaries = Object.entries(health.binaryVersions)
    .filter(([, devices]) => devices > 0)
    .map(([version, devices]) => `${version}: ${devices}`)
    .join(', ');
  return h(
    'p',
    { class: 'fold' },
    health.foldedAt
      ? h('span', {}, 'The fold last counted new reports ', when(health.foldedAt), '.')
      : 'No fold has counted reports yet (the timer folds them every minute).',
    pending,
    binaries ? ` Devices on the bundle embedded in their binary, by binary version: ${binaries}.` : '',
  );
}

function policySection(deployment: HealthDeployment, health: ReleaseHealthResponse, refresh: Refresh): Node {
  const policy = health.haltPolicy;
  const admin = may(deployment.session, 'setHaltPolicy');
  return h(
    'div',
    { class: 'policy' },
    h('h3', {}, 'Auto-halt'),
    h(
      'p',
      { id: 'halt-policy' },
      policy
        ? `On ${deployment.channel} (every platform), ${describePolicy(policy)} at the next fold; devices on it roll back to the previous enabled release.`
        : `${deployment.channel} has no auto-halt policy: only a person disables a release.`,
    ),
    admin
      ? h(
          'div',
          { class: 'row-actions' },
          h(
            'button',
            { type: 'button', onclick: () => void setPolicy(deployment, policy, refresh) },
            policy ? 'Change auto-halt policy…' : 'Set auto-halt policy…',
          ),
          policy
            ? h(
                'button',
                { type: 'button', class: 'danger', onclick: () => void clearPolicy(deployment, refresh) },
                'Clear auto-halt policy…',
              )
            : null,
        )
      : null,
  );
}

/** Re-renders the page, then announces what changed. */
type Refresh = (message: string) => Promise<void>;

const policyPath = (d: HealthDeployment) =>
  `/v1/apps/${encodeURIComponent(d.app)}/channels/${encodeURIComponent(d.channel)}/halt-policy`;

async function putPolicy(deployment: HealthDeployment, body: HaltPolicyBody, label: string): Promise<boolean> {
  const answer = await withProgress(label, () =>
    deployment.api.call<AppResponse>('PUT', policyPath(deployment), { body }),
  );
  return answer !== undefined;
}

async function setPolicy(deployment: HealthDeployment, current: HaltPolicy | undefined, refresh: Refresh) {
  const rate = h('input', {
    type: 'number',
    name: 'failureRatePercent',
    min: 0.1,
    max: 100,
    step: 'any',
    value: current?.failureRatePercent ?? 10,
    required: true,
    inputmode: 'decimal',
  });
  const minimum = h('input', {
    type: 'number',
    name: 'minInstalls',
    min: 1,
    step: 1,
    value: current?.minInstalls ?? 50,
    required: true,
    inputmode: 'numeric',
  });
  // Kept as it is unless the admin changes it: saving the numbers must not silently drop the opt-in.
  const unverified = h('input', {
    type: 'checkbox',
    name: 'unverifiedSignals',
    checked: current?.unverifiedSignals === true,
  });
  const values = await confirmDialog({
    title: `Auto-halt on ${deployment.channel}`,
    fields: [
      field('Halt at failure rate (%)', rate, 'Failed installs ÷ install attempts, above 0 and at most 100.'),
      field('Minimum install attempts', minimum, 'No release is judged before this many installs or failures.'),
      field(
        'Also count unverified Expo signals',
        unverified,
        'Launch failures Expo devices report on manifest requests carry no key: anyone can forge them to halt a release, or hide failures.',
      ),
    ],
    explain: () =>
      `From the next fold, any enabled release on ${deployment.channel} (every platform) with at least ${minimum.value || '?'} install attempts and ${rate.value || '?'} % or more of them failed is disabled by auto-halt: devices on it roll back to the previous enabled release on their next check. It is never re-enabled automatically.`,
    confirmLabel: 'Save policy',
  });
  if (!values) return;
  const policy = {
    failureRatePercent: Number(rate.value),
    minInstalls: Number(minimum.value),
    ...(unverified.checked ? { unverifiedSignals: true } : {}),
  };
  if (await putPolicy(deployment, { haltPolicy: policy }, `Saving the auto-halt policy of ${deployment.channel}`))
    await refresh(`Auto-halt policy of ${deployment.channel} saved: it applies from the next fold.`);
}

async function clearPolicy(deployment: HealthDeployment, refresh: Refresh) {
  const values = await confirmDialog({
    title: `Clear auto-halt on ${deployment.channel}?`,
    explain: () =>
      `No release on ${deployment.channel} is disabled automatically any more, however many installs fail; releases auto-halt already disabled stay disabled until a person enables them.`,
    confirmLabel: 'Clear policy',
    danger: true,
  });
  if (!values) return;
  if (await putPolicy(deployment, { haltPolicy: null }, `Clearing the auto-halt policy of ${deployment.channel}`))
    await refresh(`Auto-halt policy of ${deployment.channel} cleared.`);
}

/** Release health: numbers, state and charts per release, the fold's time, the channel's auto-halt policy. */
export function healthPanel(deployment: HealthDeployment, loaded: LoadedHealth, refresh: Refresh): Node {
  const title = h('h2', { id: 'health-title' }, 'Release health');
  if ('problem' in loaded)
    return h('section', { 'aria-labelledby': 'health-title' }, title, h('p', { class: 'muted' }, loaded.problem));
  const { health } = loaded;
  return h(
    'section',
    { 'aria-labelledby': 'health-title', class: 'health' },
    title,
    foldSummary(health),
    health.releases.length === 0 ? h('p', {}, 'No release on this channel yet.') : healthTable(deployment, health),
    policySection(deployment, health, refresh),
  );
}
