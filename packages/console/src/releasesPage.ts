import type {
  AppResponse,
  EmbeddedRollback,
  EmbeddedRollbackBody,
  EmbeddedRollbackResponse,
  HistoryResponse,
  Release,
  ReleaseHealthResponse,
  ReleaseResponse,
  Visibility,
} from '@hotpatch/core';
import type { Api } from './api';
import { h, show } from './dom';
import { healthPanel, type LoadedHealth } from './healthPanel';
import { may, type Session } from './session';
import { announce, confirmDialog, field, withProgress } from './ui';

interface Deployment {
  session: Session;
  api: Api;
  app: string;
  platform: string;
  channel: string;
}

interface PageData {
  releases: Release[];
  /** Expo rollbacks to the embedded bundle among these releases, newest first. */
  embeddedRollbacks: EmbeddedRollback[];
  channels: string[];
  health: LoadedHealth;
}

/**
 * The panels of a channel's page, in order. Each gets the deployment and what was loaded; a follow-up adds
 * one entry here (release health charts) without touching the others.
 */
const panels: ((deployment: Deployment, data: PageData) => Node)[] = [
  releasesPanel,
  (deployment, data) =>
    healthPanel(deployment, data.health, async (message) => {
      await renderReleasesPage(deployment);
      announce(message);
    }),
];

/** Who gets a release: the binaries its target range matches, or (Expo) the devices on its runtime version. */
function audience(release: Release): string {
  return release.expo
    ? `on runtime version ${release.expo.runtimeVersion}`
    : `whose binary matches ${release.targetBinaryRange}`;
}

/**
 * The release a rollback may go back to, each with what devices will see. Today: any earlier release of the
 * channel; an Expo deployment's "embedded bundle" becomes one more choice here.
 */
function rollbackChoices(
  deployment: Deployment,
  data: PageData,
  release: Release,
): { label: string; explain: string } | undefined {
  const latest = data.releases[0];
  if (!latest || release.label === latest.label) return undefined;
  return {
    label: release.label,
    explain: `A new release copying ${release.label}'s content (${release.expo ? `runtime version ${release.expo.runtimeVersion}, a new update id` : `target ${release.targetBinaryRange}`}) becomes the latest of ${deployment.channel}: devices on ${latest.label} go back to ${release.label}'s content on their next check.`,
  };
}

const base = (d: Deployment) =>
  `/v1/apps/${encodeURIComponent(d.app)}/${encodeURIComponent(d.platform)}/${encodeURIComponent(d.channel)}`;

export async function renderReleasesPage(deployment: Deployment): Promise<void> {
  const main = document.getElementById('main')!;
  const data = await withProgress(`Loading ${deployment.channel} releases`, async () => {
    const [history, app, health] = await Promise.all([
      deployment.api.call<HistoryResponse>('GET', `${base(deployment)}/history`, { query: { limit: '50' } }),
      deployment.api.call<AppResponse>('GET', `/v1/apps/${encodeURIComponent(deployment.app)}`),
      // The releases stay usable when the health answer fails (it reads metrics storage): the panel says why.
      deployment.api.call<ReleaseHealthResponse>('GET', `${base(deployment)}/health`).then(
        (answer): LoadedHealth => ({ health: answer }),
        (error: unknown): LoadedHealth => ({
          problem: `Release health is unavailable: ${error instanceof Error ? error.message : String(error)}`,
        }),
      ),
    ]);
    return {
      releases: history.releases,
      embeddedRollbacks: history.embeddedRollbacks ?? [],
      channels: Object.keys(app.app.channels),
      health,
    };
  });
  if (!data) return;
  const appLink = `#/apps/${encodeURIComponent(deployment.app)}`;
  show(
    main,
    h(
      'nav',
      { 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/' }, 'Apps'),
      ' / ',
      h('a', { href: appLink }, deployment.app),
      ' / ',
      `${deployment.platform} ${deployment.channel}`,
    ),
    h('h1', {}, `${deployment.app} · ${deployment.platform} · ${deployment.channel}`),
    h(
      'nav',
      { 'aria-label': 'Channels', class: 'tabs' },
      ...data.channels.map((channel) =>
        h(
          'a',
          {
            href: `${appLink}/${encodeURIComponent(deployment.platform)}/${encodeURIComponent(channel)}`,
            'aria-current': channel === deployment.channel ? 'page' : undefined,
          },
          channel,
        ),
      ),
    ),
    ...panels.map((panel) => panel(deployment, data)),
  );
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

function releasesPanel(deployment: Deployment, data: PageData): Node {
  const acts = may(deployment.session, 'promote');
  if (data.releases.length === 0)
    return h(
      'section',
      { 'aria-labelledby': 'releases-title' },
      h('h2', { id: 'releases-title' }, 'Releases'),
      h('p', {}, 'No release on this channel yet.'),
    );
  const expo = data.releases.some((release) => release.expo);
  const columns = [
    'Label',
    'Hash',
    expo ? 'Target or runtime · update id' : 'Target',
    'Rollout',
    'Mandatory',
    'Disabled',
    'Description',
    'Created',
    ...(acts ? ['Actions'] : []),
  ];
  const releaseRows = data.releases.map((release, index) =>
    h(
      'tr',
      { 'data-label': release.label, class: release.disabled ? 'disabled' : undefined },
      h('th', { scope: 'row' }, release.label, index === 0 ? h('span', { class: 'badge' }, 'latest') : null),
      h('td', {}, h('code', { title: release.packageHash }, release.packageHash.slice(0, 10))),
      h(
        'td',
        { class: 'target' },
        ...(release.expo
          ? [
              h('span', { class: 'runtime' }, `runtime ${release.expo.runtimeVersion}`),
              h('br'),
              h('code', { class: 'update-id', title: 'Expo update id' }, release.expo.id),
            ]
          : [release.targetBinaryRange]),
      ),
      h('td', { class: 'rollout' }, `${release.rollout} %`),
      h('td', { class: 'mandatory' }, yesNo(release.mandatory)),
      h('td', { class: 'disabled-cell' }, yesNo(release.disabled)),
      h('td', { class: 'description' }, release.description),
      h(
        'td',
        {},
        `${release.createdBy} · `,
        h('time', { datetime: release.createdAt }, new Date(release.createdAt).toLocaleString()),
        release.origin
          ? h('small', {}, ` (${release.origin.kind} of ${release.origin.channel} ${release.origin.label})`)
          : null,
      ),
      acts ? h('td', {}, h('div', { class: 'row-actions' }, ...releaseActions(deployment, data, release))) : null,
    ),
  );
  // Embedded rollbacks sit among the releases in log order (seq), newest first like them.
  const rollbackRows = data.embeddedRollbacks.map((rollback) => ({
    seq: rollback.seq,
    row: h(
      'tr',
      { class: 'embedded-rollback', 'data-seq': rollback.seq },
      h('th', { scope: 'row' }, 'embedded'),
      h(
        'td',
        { colspan: columns.length - 1 },
        `Rolled back to the embedded bundle (${rollback.runtimeVersion === undefined ? 'every runtime version' : `runtime version ${rollback.runtimeVersion}`}) by ${rollback.by} · `,
        h('time', { datetime: rollback.at }, new Date(rollback.at).toLocaleString()),
      ),
    ),
  }));
  const rows = [
    ...data.releases.map((release, index) => ({ seq: release.seq, row: releaseRows[index]! })),
    ...rollbackRows,
  ]
    .sort((a, b) => b.seq - a.seq)
    .map(({ row }) => row);
  return h(
    'section',
    { 'aria-labelledby': 'releases-title' },
    h('h2', { id: 'releases-title' }, 'Releases'),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'releases' },
        h('caption', {}, `Releases of ${deployment.channel}, newest first`),
        h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col' }, column)))),
        h('tbody', {}, ...rows),
      ),
    ),
    expo && may(deployment.session, 'rollbackToEmbedded') ? embeddedRollbackAction(deployment, data) : null,
  );
}

/** Expo: "roll back to the embedded bundle" for one runtime version of the channel's updates, or for all. */
function embeddedRollbackAction(deployment: Deployment, data: PageData): Node {
  const runtimeVersions = [
    ...new Set(data.releases.flatMap((release) => (release.expo ? [release.expo.runtimeVersion] : []))),
  ];
  return h(
    'div',
    { class: 'row-actions embedded' },
    button('Roll back to the embedded bundle…', () => rollBackToEmbedded(deployment, runtimeVersions), 'danger'),
  );
}

async function rollBackToEmbedded(deployment: Deployment, runtimeVersions: string[]): Promise<void> {
  const scope = h(
    'select',
    { name: 'runtimeVersion' },
    ...runtimeVersions.map((version) => h('option', { value: version }, version)),
    h('option', { value: '' }, 'every runtime version'),
  );
  const devices = () => (scope.value ? `on runtime version ${scope.value}` : 'on any runtime version');
  const values = await confirmDialog({
    title: `Roll ${deployment.channel} back to the embedded bundle?`,
    fields: [field('Runtime version', scope)],
    explain: () =>
      `Devices ${devices()} that check ${deployment.channel} are told to roll back to embedded: on their next launch they run the JavaScript embedded in their binary instead of any update, until a newer update for their runtime version is released to ${deployment.channel}.`,
    confirmLabel: 'Roll back to embedded',
    danger: true,
  });
  if (!values) return;
  const body: EmbeddedRollbackBody = scope.value ? { runtimeVersion: scope.value } : {};
  const answer = await withProgress(`Rolling ${deployment.channel} back to the embedded bundle`, () =>
    deployment.api.call<EmbeddedRollbackResponse>('POST', `${base(deployment)}/rollback-to-embedded`, { body }),
  );
  await done(deployment, answer, `Rolled back to the embedded bundle (devices ${devices()})`);
}

function releaseActions(deployment: Deployment, data: PageData, release: Release): Node[] {
  const targets = data.channels.filter((channel) => channel !== deployment.channel);
  const buttons: Node[] = [];
  if (targets.length > 0)
    buttons.push(button(`Promote ${release.label}…`, () => promote(deployment, release, targets)));
  buttons.push(button(`Edit ${release.label}…`, () => patch(deployment, release)));
  buttons.push(
    button(
      release.disabled ? `Enable ${release.label}` : `Disable ${release.label}`,
      () => toggleDisabled(deployment, release),
      release.disabled ? undefined : 'danger',
    ),
  );
  const rollback = rollbackChoices(deployment, data, release);
  if (rollback) buttons.push(button(`Roll back to ${release.label}…`, () => rollBack(deployment, rollback), 'danger'));
  return buttons;
}

function button(label: string, onclick: () => Promise<void>, className?: string): HTMLButtonElement {
  return h('button', { type: 'button', class: className, onclick: () => void onclick() }, label);
}

/** After a change: reload the page's data, then say when devices see it. */
async function done(deployment: Deployment, answer: Visibility | undefined, what: string): Promise<void> {
  if (!answer) return;
  await renderReleasesPage(deployment);
  const when = answer.visibleWithinSeconds === 0 ? 'on their next check' : `within ${answer.visibleWithinSeconds} s`;
  announce(`${what}: devices see it ${when}.`);
}

function rolloutInput(value: number, min: number): HTMLInputElement {
  return h('input', {
    type: 'number',
    name: 'rollout',
    min,
    max: 100,
    step: 1,
    value,
    required: true,
    inputmode: 'numeric',
  });
}

async function promote(deployment: Deployment, release: Release, targets: string[]): Promise<void> {
  const to = h('select', { name: 'to' }, ...targets.map((channel) => h('option', { value: channel }, channel)));
  const rollout = rolloutInput(100, 1);
  const mandatory = h('input', { type: 'checkbox', name: 'mandatory', checked: release.mandatory });
  const values = await confirmDialog({
    title: `Promote ${release.label} from ${deployment.channel}`,
    fields: [
      field('To channel', to),
      field('Rollout (% of devices)', rollout),
      h('label', { class: 'check' }, mandatory, ' Mandatory'),
    ],
    explain: () =>
      `${rollout.value || '?'} % of devices on ${to.value} ${audience(release)} get ${release.label}'s content as ${to.value}'s next release on their next check${mandatory.checked ? ', and must install it' : ''}.`,
    confirmLabel: 'Promote',
  });
  if (!values) return;
  const body = { to: to.value, label: release.label, rollout: Number(rollout.value), mandatory: mandatory.checked };
  const answer = await withProgress(`Promoting ${release.label} to ${to.value}`, () =>
    deployment.api.call<ReleaseResponse>('POST', `${base(deployment)}/promote`, { body }),
  );
  await done(
    deployment,
    answer,
    answer ? `Promoted to ${to.value} as ${answer.release.label} at ${answer.release.rollout} %` : '',
  );
}

async function patch(deployment: Deployment, release: Release): Promise<void> {
  const rollout = rolloutInput(release.rollout, release.rollout);
  const mandatory = h('input', { type: 'checkbox', name: 'mandatory', checked: release.mandatory });
  const disabled = h('input', { type: 'checkbox', name: 'disabled', checked: release.disabled });
  const notes = h('textarea', { name: 'description', rows: 3, maxlength: 4096 }, release.description);
  const values = await confirmDialog({
    title: `Edit ${release.label} on ${deployment.channel}`,
    fields: [
      field('Rollout (% of devices)', rollout, `It may only grow (now ${release.rollout} %).`),
      h('label', { class: 'check' }, mandatory, ' Mandatory'),
      h('label', { class: 'check' }, disabled, ' Disabled'),
      field('Release notes', notes),
    ],
    explain: () =>
      disabled.checked
        ? `${release.label} is offered to no device; devices that installed it roll back to the previous enabled release on their next check.`
        : `${rollout.value || '?'} % of devices on ${deployment.channel} ${audience(release)} get ${release.label} on their next check${mandatory.checked ? ', as a mandatory update' : ''}.`,
    confirmLabel: 'Save',
  });
  if (!values) return;
  const changes: Record<string, unknown> = {};
  if (Number(rollout.value) !== release.rollout) changes.rollout = Number(rollout.value);
  if (mandatory.checked !== release.mandatory) changes.mandatory = mandatory.checked;
  if (disabled.checked !== release.disabled) changes.disabled = disabled.checked;
  if (notes.value !== release.description) changes.description = notes.value;
  if (Object.keys(changes).length === 0) return announce('Nothing changed.');
  const answer = await withProgress(`Saving ${release.label}`, () =>
    deployment.api.call<ReleaseResponse>('PATCH', `${base(deployment)}/releases/${encodeURIComponent(release.label)}`, {
      body: changes,
    }),
  );
  await done(deployment, answer, `Saved ${release.label}`);
}

async function toggleDisabled(deployment: Deployment, release: Release): Promise<void> {
  const disable = !release.disabled;
  const values = await confirmDialog({
    title: `${disable ? 'Disable' : 'Enable'} ${release.label} on ${deployment.channel}?`,
    explain: () =>
      disable
        ? `No device is offered ${release.label} any more; devices that installed it roll back to the previous enabled release on their next check.`
        : `${release.rollout} % of devices on ${deployment.channel} ${audience(release)} are offered ${release.label} again on their next check.`,
    confirmLabel: disable ? `Disable ${release.label}` : `Enable ${release.label}`,
    danger: disable,
  });
  if (!values) return;
  const answer = await withProgress(`${disable ? 'Disabling' : 'Enabling'} ${release.label}`, () =>
    deployment.api.call<ReleaseResponse>('PATCH', `${base(deployment)}/releases/${encodeURIComponent(release.label)}`, {
      body: { disabled: disable },
    }),
  );
  await done(deployment, answer, `${disable ? 'Disabled' : 'Enabled'} ${release.label}`);
}

async function rollBack(deployment: Deployment, choice: { label: string; explain: string }): Promise<void> {
  const values = await confirmDialog({
    title: `Roll ${deployment.channel} back to ${choice.label}?`,
    explain: () => choice.explain,
    confirmLabel: `Roll back to ${choice.label}`,
    danger: true,
  });
  if (!values) return;
  const answer = await withProgress(`Rolling back to ${choice.label}`, () =>
    deployment.api.call<ReleaseResponse>('POST', `${base(deployment)}/rollback`, { body: { label: choice.label } }),
  );
  await done(deployment, answer, answer ? `Rolled back: ${answer.release.label} has ${choice.label}'s content` : '');
}
