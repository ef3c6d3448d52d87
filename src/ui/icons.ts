import { LabIcon } from '@jupyterlab/ui-components';

/** The qBraid mark: a "q" made of a qubit's circle and a stem. */
const QBRAID_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M10.5 3a7.5 7.5 0 1 0 4.62 13.41V21h3V10.5A7.5 7.5 0 0 0 10.5 3zm0 3a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9z"/>
    <circle cx="10.5" cy="10.5" r="1.8"/>
  </g>
</svg>`;

/** The icon of the qBraid login panel and status item. */
export const qbraidIcon = new LabIcon({
  name: 'jupyterlab-qbraid-session:qbraid',
  svgstr: QBRAID_SVG
});
