"""Writes the demo CSV files (deterministic). Run once; the outputs are committed.

- waste-bin-fill-levels.csv: clean, matches schemas/table/waste-bin-sensors.json
- road-conditions.csv: breaks schemas/table/road-conditions.json on purpose
- citizen-office-visits.csv: clean, matches schemas/table/citizen-office-visits.json
- service-requests.csv: citizen reports with personal data (names, e-mails, phones)
"""
import datetime
import random
from pathlib import Path

HERE = Path(__file__).parent
DISTRICTS = ["Altstadt", "Neustadt", "Oberstadt", "Hartenberg-Münchfeld", "Gonsenheim",
             "Mombach", "Bretzenheim", "Weisenau"]


def write(name, header, rows, encoding="utf-8"):
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    (HERE / name).write_text("\n".join(lines) + "\n", encoding=encoding)


def waste_bins(rng):
    start = datetime.datetime(2026, 11, 1, 6, 0)
    for i in range(1, 301):
        fill = round(rng.uniform(0, 100), 1)
        status = "full" if fill > 90 else rng.choice(["ok", "ok", "ok", "maintenance"])
        yield (i, f"MZ-WB-{rng.randint(1, 400):05d}",
               (start + datetime.timedelta(minutes=15 * i)).isoformat() + "Z", fill,
               rng.randint(5, 100), status, rng.choice(["true", "false"]),
               rng.choice(DISTRICTS), "")


def road_conditions(rng):
    for i in range(1, 61):
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=i // 3)
        condition = rng.choice(["dry", "wet", "snow", "ice"])
        temperature = f"\"{rng.uniform(-8, 6):.1f}\"".replace(".", ",")
        row = [f"MZ-{i}", day.isoformat(), f"{6 + i % 3:02d}:00:00", condition, temperature,
               rng.choice(["ja", "nein"]), "https://www.mainz.de/verkehr"]
        if i % 17 == 0:
            row[3] = "glatt"            # not in the enum
        if i % 23 == 0:
            row[1] = "31.02.2026"       # not a date
        if i % 29 == 0:
            row[4] = "\"-55,0\""        # below the minimum
        yield row


def citizen_office(rng):
    offices = ["Bürgerbüro Stadthaus", "Ortsverwaltung Gonsenheim"]
    services = ["Personalausweis", "Reisepass", "Meldebescheinigung", "Wohnsitzanmeldung"]
    for day in range(1, 31):
        date = datetime.date(2026, 10, day)
        for office in offices:
            for service in services:
                wait = f"\"{rng.uniform(3, 70):.1f}\"".replace(".", ",")
                yield (f"\"{office}\"", 2026, date.strftime("%d.%m.%Y"), service,
                       rng.randint(0, 400), wait, "buergerbuero@mainz.example")


def service_requests(rng):
    people = [("Anna", "Schmidt"), ("Jonas", "Weber"), ("Leonie", "Fischer"),
              ("Mehmet", "Yılmaz"), ("Sophie", "Becker"), ("Lukas", "Hoffmann")]
    for i in range(1, 41):
        first, last = rng.choice(people)
        yield (i, (datetime.date(2026, 9, 1) + datetime.timedelta(days=i)).isoformat(),
               rng.choice(["Sperrmüll", "Schlagloch", "Straßenbeleuchtung", "Graffiti"]),
               f"{first} {last}", f"{first.lower()}.{last.lower()}@example.org",
               f"+49 6131 {rng.randint(100000, 999999)}", rng.choice(DISTRICTS))


def main():
    rng = random.Random(2026)
    write("waste-bin-fill-levels.csv", ["id", "sensor_id", "measured_at", "fill_level",
                                        "battery", "status", "lid_open", "district", "note"],
          waste_bins(rng))
    write("road-conditions.csv", ["segment_id", "reported_on", "reported_time", "condition",
                                  "temperature_c", "gritted", "source"], road_conditions(rng))
    write("citizen-office-visits.csv", ["office", "year", "date", "service", "visits",
                                        "average_wait_minutes", "contact"],
          citizen_office(rng))
    write("service-requests.csv", ["id", "reported_on", "category", "reporter_name",
                                   "reporter_email", "reporter_phone", "district"],
          service_requests(rng))


if __name__ == "__main__":
    main()
