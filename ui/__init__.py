"""The Streamlit page's panels, one module each; app.py lays them out.

Every module takes the page language and words everything through i18n.
"""
