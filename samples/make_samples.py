#!/usr/bin/env python3
"""Writes samples/inbox: a small drop folder in every input format ampfill reads (run from samples/)."""
import gzip, json, random

random.seed(7)
BASE = 1_709_294_400_000  # 2024-03-01T12:00:00Z
devices = [f"web-{i:03d}-3f9a" for i in range(30)]
songs = ["Intro", "Blue", "Nights", "Long Road", "Home"]

with open("inbox/01-web-events.ndjson", "w") as f:
    for n in range(600):
        d = devices[n % len(devices)]
        event = {"event_type": "Played Song", "device_id": d, "user_id": f"user-{d}",
                 "time": BASE + n * 1500, "platform": "Web",
                 "event_properties": {"song": random.choice(songs), "seconds": random.randint(30, 300)}}
        f.write(json.dumps(event) + "\n")
        if n == 200:
            f.write('{"event_type": "Played Song", "device_id": "web-000-3f9a"\n')  # cut short: not valid JSON
        if n == 400:
            f.write(json.dumps({"event_type": "Played Song", "device_id": "unknown", "time": BASE}) + "\n")

# An Amplitude export file: $insert_id, event_time, export-only fields
with open("inbox/02-app-export.json", "w") as f:
    rows = []
    for n in range(200):
        d = f"ios-{n % 10:03d}-77c2"
        rows.append({"$insert_id": f"exp-{n:05d}", "event_type": "Opened App", "device_id": d,
                     "event_time": f"2024-03-02 0{n % 10}:{n % 60:02d}:00.000000", "amplitude_id": 1000 + n,
                     "version_name": "5.2.1", "os_name": "ios", "user_properties": {"plan": "family"}})
    json.dump(rows, f, indent=1)

with open("inbox/03-purchases.csv", "w") as f:
    f.write("event_type,user_id,time,price,quantity,revenue,event_properties.sku,user_properties\n")
    for n in range(100):
        f.write(f'Purchased,user-web-{n % 30:03d}-3f9a,2024-03-03T10:{n % 60:02d}:00Z,4.99,1,4.99,SKU-{n % 7},'
                f'"{{""plan"": ""premium""}}"\n')

with gzip.open("inbox/04-late-events.jsonl.gz", "wt") as f:
    for n in range(100):
        d = devices[n % len(devices)]
        f.write(json.dumps({"event_type": "Paused Song", "device_id": d, "time": BASE + 900_000 + n * 1000}) + "\n")
