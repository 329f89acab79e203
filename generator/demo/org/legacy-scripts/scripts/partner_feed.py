"""Nightly product feed for price comparison partners (legacy)."""
import csv
import sys


def main(rows, out=sys.stdout):
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["sku", "title", "price_eur", "url"])
    for row in rows:
        writer.writerow([row["sku"], row["title"], f"{row['price_minor'] / 100:.2f}",
                         f"https://www.acme-shop.example/p/{row['slug']}"])
