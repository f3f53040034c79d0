"""PDF renderers (ReportLab + qrcode). They take plain data and write a PDF atomically.

ReportLab and qrcode are imported lazily (inside the functions) to keep start-up fast.
"""
