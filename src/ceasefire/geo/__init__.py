"""Geography: the bundled GeoNames gazetteer and the geocoder that resolves place mentions."""
from ceasefire.geo.gazetteer import Gazetteer, gazetteer
from ceasefire.geo.geocode import Geocoder, Resolution, default_geocoder

__all__ = ["Gazetteer", "Geocoder", "Resolution", "default_geocoder", "gazetteer"]
