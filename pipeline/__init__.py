"""The stages in order: normalize → segment → extract → checks → store → report; cli and batch run them."""
