// SPDX-License-Identifier: MIT
// The citation-js side of bench/peers.py: converts one file and writes the
// result to standard output. Run with NODE_PATH set to the node_modules of
// a folder where @citation-js/core and its bibtex, ris and csl plugins are
// installed (bench/README.md says how).
//
//     node citation-js.js FROM TO FILE     (FROM, TO: bibtex, ris, csljson)
//     node citation-js.js --check FROM FILE
//
// --check reads FILE as a JSON list of records (texts, or CSL items) and
// prints the list of the indexes of those citation-js converts: one record
// it cannot read fails a whole run, so the bench builds its inputs from the
// records that every tool reads.
'use strict';
const fs = require('fs');
const { Cite } = require('@citation-js/core');
require('@citation-js/plugin-bibtex');
require('@citation-js/plugin-ris');
require('@citation-js/plugin-csl');

// the input type is named, so no time goes to detection
const types = { bibtex: '@bibtex/text', ris: '@ris/file', csljson: '@csl/list+object' };

if (process.argv[2] === '--check') {
  const [from, file] = process.argv.slice(3);
  const records = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ok = [];
  records.forEach((r, i) => {
    try {
      const c = new Cite(from === 'csljson' ? [r] : r, { forceType: types[from] });
      c.format('bibtex', { format: 'text' });
      c.format('ris', { format: 'text' });
      c.format('data', { format: 'text' });
      ok.push(i);
    } catch (e) { /* left out of the inputs */ }
  });
  process.stdout.write(JSON.stringify(ok));
  process.exit(0);
}

const [from, to, file] = process.argv.slice(2);
const text = fs.readFileSync(file, 'utf8');
const data = from === 'csljson' ? JSON.parse(text) : text;
const cite = new Cite(data, { forceType: types[from] });
const out = to === 'csljson' ? cite.format('data', { format: 'text' })
                             : cite.format(to, { format: 'text' });
process.stdout.write(out);
