import Hummingbird
import KubeAPI
