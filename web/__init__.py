"""In front of Streamlit: what the dashboard's server refuses before Streamlit sees it."""
