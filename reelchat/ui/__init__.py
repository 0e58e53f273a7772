"""The Streamlit app: a thin page over the tools and the store."""
