"""`sonolens events AUDIO -o OUT --to FORMAT`: onsets and beats as point tiers, the tempo.

Onsets are ``librosa.onset.onset_detect``'s, beats and tempo ``librosa.beat.beat_track``'s
(their defaults: n_fft 2048, hop 512, at the file's own rate), computed without librosa
(``dsp/events.py``). OUT gets two point tiers, ``onsets`` and ``beats``, in any label
format; stdout gets ``tempo: 117.45 BPM``. OUT is never AUDIO itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sonolens.cli.annotations import TARGETS
from sonolens.cli.report import Reporter, progress_bar


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "events", help="detect onsets and beats (label file) and the tempo (stdout)",
        description="Detect note/drum onsets and beats as librosa's onset_detect and "
                    "beat_track do with their defaults; write them as point tiers "
                    "'onsets' and 'beats' to OUT and print 'tempo: <BPM> BPM' "
                    "(0.00 when no beat is found, e.g. silence).")
    parser.add_argument("input", type=Path, metavar="AUDIO", help="audio file to analyse")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT",
                        help="label file to write (never AUDIO itself)")
    parser.add_argument("--to", required=True, choices=TARGETS, help="format of OUT")
    parser.add_argument("--channel", default="mix", metavar="1..N|mix",
                        help="channel to analyse, numbered from 1, or 'mix': the mean of "
                             "the channels (default)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, reporter: Reporter) -> int:
    from sonolens.audio import open_source
    from sonolens.cli.options import channel_from_text, check_channel_exists
    from sonolens.dsp.events import detect_events, event_annotations
    from sonolens.export.labels import write_labels
    from sonolens.export.own_input import refuse_own_inputs

    channel = channel_from_text(args.channel)
    refuse_own_inputs([args.output], [args.input])
    check_channel_exists(channel, [args.input])
    with open_source(args.input) as source:
        job = detect_events(source, channel)
        events = progress_bar(job, args.input.name, enabled=reporter.interactive)
        for warning in source.warnings:
            reporter.warning(f"{args.input}: {warning}")
    annotations = event_annotations(events)
    annotations.duration = None
    write_labels(annotations, args.output, args.to)
    print(f"tempo: {events.tempo:.2f} BPM")
    reporter.info(f"wrote {len(events.onsets)} onsets and {len(events.beats)} beats to "
                  f"{args.output} as {args.to}")
    return 0
