#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The refs reader's shape guess (docs/refs.md, "Splitting a list"): lists
whose references lack what the line-by-line rule looks for (a year, a
final period) are still read one reference per line, and a list of
paragraphs keeps each paragraph whole even where a line ends like a
reference. The references are invented for this test. Checks the number
of records and that each starts with its reference's title (the tagger's
own slips at the title's end are not this test's business)."""
import json
import os
import subprocess
import sys
import tempfile

BIB = os.path.join(os.environ["BIBCONV_BUILDDIR"], "core", "cli", "bibconv")

CASES = {
    # Vancouver: no final period, so no reference looks complete
    "vancouver": ("Smith J, Doe A. Working memory in older adults. J Exp Psychol. 2019;45(3):210-25\n"
                  "Lee M, Park S. Sleep quality predicts performance. Psychol Sci. 2021;32(8):1234-45\n"
                  "Garcia R. The social brain: a review. Annu Rev Neurosci. 2017;40:55-79\n"
                  "Nguyen T. Emotion regulation across cultures. Emotion. 2020;20(1):88-101\n",
                  ["Working memory in older adults", "Sleep quality predicts performance",
                   "The social brain: a review", "Emotion regulation across cultures"]),
    # no year (in press, n.d.) and no final period
    "no-year": ("Smith, J. (in press). Working memory in older adults. Journal of Experimental Psychology.\n"
                "Doe, A. (forthcoming). Sleep quality predicts performance. Psychological Science.\n"
                "Garcia, R. (2017). The social brain: a review. Annual Review of Neuroscience, 40, 55-79.\n"
                "Nguyen, T. (n.d.). Emotion regulation across cultures. Retrieved from the author's website\n"
                "Brown, K. (2020). Another look at sleep and memory. Emotion, 20(1), 88-101\n",
                ["Working memory in older adults", "Sleep quality predicts performance",
                 "The social brain: a review", "Emotion regulation across cultures",
                 "Another look at sleep and memory"]),
    # paragraphs: the title line ends like a whole reference
    "paragraphs": ("Smith, J. (2019). Working memory in older adults.\n"
                   "Journal of Experimental Psychology, 45(3), 210-225.\n\n"
                   "Lee, M., & Park, S. (2021). Sleep quality predicts performance.\n"
                   "Psychological Science, 32(8), 1234-1245.\n\n"
                   "Garcia, R. (2017). The social brain: a review.\n"
                   "Annual Review of Neuroscience, 40, 55-79.\n",
                   ["Working memory in older adults", "Sleep quality predicts performance",
                    "The social brain: a review"]),
    # a marked list: a wrapped line that reads like a whole reference by
    # itself (a name, a year, punctuation) stays with its marked reference
    "marked": ("[1] Smith, J., Doe, A., Lee, M., Park, S., Garcia, R., and Nguyen, T. (2019).\n"
               "Working memory in older adults. Journal of Experimental Psychology, 45(3), 210-225.\n"
               "[2] Lee, M. (2021). Sleep quality predicts performance. Psychological Science,\n"
               "Brown, K. (ed.), Special issue on sleep, 32(8), 1234-1245.\n"
               "[3] Garcia, R. (2017). The social brain: a review. Annual Review of Neuroscience, 40, 55-79.\n",
               ["Working memory in older adults", "Sleep quality predicts performance",
                "The social brain: a review"]),
    # a personal list copied as text opens with its owner's name: a
    # heading, not a reference, and the lines after it one per line
    "name-line": ("Jane Q. Okafor\n\n"
                  "Okafor, J. Q., & Lindqvist, B. (2018). Tidal mixing in shallow estuaries. "
                  "Journal of Coastal Research, 34(2), 211-229.\n"
                  "Okafor, J. Q. (2016). Sediment transport under waves. Marine Geology, 12(1), 1-20.\n"
                  "Brandt, K., & Okafor, J. Q. (2015). Salt wedges revisited. Estuaries, 8, 33-45.\n",
                  ["Tidal mixing in shallow estuaries", "Sediment transport under waves",
                   "Salt wedges revisited"]),
    # one per line, family names that open with lower-case particles
    # (a line in lower case otherwise continues the reference before)
    "particles": ("Okafor, J. Q., and B. Lind, 2018, Tidal mixing in shallow estuaries: Journal of Coastal Research, v. 34, no. 2, p. 211-229.\n"
                  "van der Meer, G., D. Guo, and M. Renzo, 2016, Sediment transport under waves: Marine Geology, v. 12, p. 1-20.\n"
                  "de Paula, R., and B. Lind, 2015, Salt wedges revisited: Estuaries, v. 8, p. 33-45.\n"
                  "deKleer, J., 2014, Tides and people: Coastal Management, v. 2, p. 5-9.\n",
                  ["Tidal mixing in shallow estuaries", "Sediment transport under waves",
                   "Salt wedges revisited", "Tides and people"]),
    # one per line, a reference without names or year (`n.d.`) too short
    # to read as whole: it ends like a reference, after one that does
    "no-date-line": ("Okafor, J. Q. (2018). Tidal mixing in shallow estuaries. Journal of Coastal Research, 34(2), 211-229.\n"
                     "Tide tables of the northern coast and its harbours, n.d.\n"
                     "Lind, B. (2016). Sediment transport under waves. Marine Geology, 12(1), 1-20.\n"
                     "Brandt, K. (2015). Salt wedges revisited. Estuaries, 8, 33-45.\n",
                     ["Tidal mixing in shallow estuaries", "Tide tables of the northern coast",
                      "Sediment transport under waves", "Salt wedges revisited"]),
    # Chinese and Japanese references: full-width punctuation, no spaces,
    # a full stop 。 ends a reference
    "cjk": ("\u738b\u5c0f\u660e\uff0c\u674e\u534e\u3002\u57fa\u4e8e\u6df1\u5ea6\u5b66\u4e60"
            "\u7684\u6587\u732e\u89e3\u6790\u3002\u8ba1\u7b97\u673a\u5b66\u62a5\uff0c2020\uff0c"
            "43\uff085\uff09\uff1a901\u2013915\u3002\n"
            "\u5c71\u7530\u592a\u90ce\u30fb\u9234\u6728\u82b1\u5b50\uff082019\uff09"
            "\u300c\u65e5\u672c\u8a9e\u306e\u6587\u732e\u89e3\u6790\u300d"
            "\u300e\u60c5\u5831\u51e6\u7406\u5b66\u4f1a\u8ad6\u6587\u8a8c\u300f"
            "60\u5dfb3\u53f7\uff0c123\u2013130\u9801\u3002\n",
            ["\u57fa\u4e8e\u6df1\u5ea6\u5b66\u4e60\u7684\u6587\u732e\u89e3\u6790",
             "\u65e5\u672c\u8a9e\u306e\u6587\u732e\u89e3\u6790"]),
}


def main():
    fail = False
    with tempfile.TemporaryDirectory() as tmp:
        for name, (text, titles) in CASES.items():
            path = os.path.join(tmp, name + ".txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            p = subprocess.run([BIB, "-f", "refs", "-t", "csljson", path], capture_output=True,
                               text=True, check=False)
            got = [r.get("title") for r in json.loads(p.stdout or "[]")]
            if len(got) != len(titles) or not all(
                    (g or "").startswith(t) for g, t in zip(got, titles)):
                print("FAIL %s: exit %d\n  got  %r\n  want %r\n%s" % (name, p.returncode, got,
                                                                   titles, p.stderr))
                fail = True
            else:
                print("ok   %s: %d references" % (name, len(got)))
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
